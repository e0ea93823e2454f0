"""Duplicate-detection benchmark (issue: duplicates across the province).

Generates the demo province (`seed_demo` machinery, COPY) with planted duplicates and
hard non-duplicates, then measures in one run on the same database:
  ours     `duplicates_detect` (blocking by birth date, swapped date and birth year,
           trigram similarity, guardian and commune evidence), the whole province
  anchor   the exact-key rule the import used to warn with (same search key and
           birth year) over the whole province
  naive    every pair of a random sample compared by trigram similarity, extrapolated
           to the whole province (pairs grow with the square)
Prints seconds, precision and recall against the planted truth, and the ratios.

Planted duplicates (a copy of an existing student written again as another record):
  no_diacritics  name typed without diacritics ("Nguyen Thi Ha")
  typo           one letter wrong, missing, doubled or two swapped in one word
  swapped_date   day and month swapped (05/09 -> 09/05)
  transfer       the same child written by another school after a transfer
  year_only      only the year of birth written
Hard non-duplicates: twins (same family and middle name, birth date, parents, home,
school; another given name).

Run: `make bench` (or `python -m bench duplicates`). BENCH_DUP_STUDENTS sets the size
(default 1,000,000 students in all, 1% planted duplicates); BENCH_DUP_SAMPLE the
naive anchor's sample (default 5,000).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time

from bench.common import child, child_setup, django_setup, emit

KINDS = ("no_diacritics", "typo", "swapped_date", "transfer", "year_only")
TRUTH = "bench_duplicate_truth"
PLANTED_SHARE = 0.01
TWIN_SHARE = 0.002
SEED = 2026


def _typo(text: str, rng: random.Random) -> str:
    """One keyboard slip in one word of at least 3 letters (the given name more often)."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 3] or [len(words) - 1]
    index = candidates[-1] if rng.random() < 0.5 else rng.choice(candidates)
    word = words[index]
    if len(word) < 2:
        words[index] = word + word
        return " ".join(words)
    pos = rng.randrange(1, len(word))
    kind = rng.random()
    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    if kind < 0.35:
        word = word[:pos] + rng.choice(letters) + word[pos + 1 :]
    elif kind < 0.6:
        word = word[:pos] + word[pos + 1 :]
    elif kind < 0.8:
        word = word[:pos] + word[pos - 1] + word[pos:]
    elif pos < len(word) - 1:
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    else:
        word = word[:pos] + rng.choice(letters) + word[pos:]
    words[index] = word
    return " ".join(words)


def _strip(text: str) -> str:
    from khuyenhoc.text import search_key

    # search_key lower-cases; schools that drop diacritics keep the capitals.
    return " ".join(w[:1].upper() + w[1:] for w in search_key(text).split(" "))


def plant(*, total: int, seed: int = SEED) -> dict:
    """Seed `total` students: the demo, plus planted duplicates and twins written
    with COPY. The truth goes to a plain table the benchmark reads back."""
    from django.db import connection, transaction

    from khuyenhoc.demo.seed import demo_seed
    from khuyenhoc.text import search_key
    from students.models import Student

    planted = int(total * PLANTED_SHARE)
    twins = int(total * TWIN_SHARE)
    base = total - planted - twins
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {TRUTH} (a bigint, b bigint, kind text)")
        cursor.execute(f"SELECT count(*) FROM {TRUTH} WHERE kind <> 'twin'")
        known = cursor.fetchone()[0]
    if known == planted and Student.objects.count() == total:
        return {"seeded": False, "planted": planted, "twins": twins}

    demo_seed(students=base, seed=seed, force=True, log=lambda m: None)
    rng = random.Random(seed)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TRUTH}")
        cursor.execute("TRUNCATE students_duplicatepair")
        cursor.execute("SELECT min(id), max(id) FROM students_student")
        low, high = cursor.fetchone()
        cursor.execute("SELECT id, commune_id FROM khuyenhoc_school ORDER BY id")
        schools = cursor.fetchall()
        chosen = rng.sample(range(low, high + 1), planted + twins)
        cursor.execute(
            "SELECT id, full_name, birth_date, birth_year, gender, ethnicity_id, school_id,"
            " grade, class_name, commune_id, village, address_text, status"
            " FROM students_student WHERE id = ANY(%s)",
            [chosen],
        )
        originals = {row[0]: row for row in cursor.fetchall()}
        cursor.execute(
            "SELECT student_id, full_name, relation, occupation, phone"
            " FROM students_guardian WHERE student_id = ANY(%s) ORDER BY id",
            [chosen],
        )
        guardians: dict[int, list[tuple]] = {}
        for row in cursor.fetchall():
            guardians.setdefault(row[0], []).append(row[1:])
        cursor.execute("SELECT pg_get_serial_sequence('students_student', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, high + planted + twins])
        next_id = high + 1

        students: list[tuple] = []
        new_guardians: list[tuple] = []
        truth: list[tuple] = []
        now = dt.datetime.now(dt.UTC)
        for number, original_id in enumerate(chosen):
            (
                _id,
                name,
                birth_date,
                birth_year,
                gender,
                ethnicity,
                school,
                grade,
                class_name,
                commune,
                village,
                address,
                status,
            ) = originals[original_id]
            twin = number >= planted
            kind = "twin" if twin else KINDS[number % len(KINDS)]
            new_name, new_birth, new_school, new_commune = name, birth_date, school, commune
            if kind == "no_diacritics":
                new_name = _strip(name)
            elif kind == "typo":
                new_name = _typo(name, rng)
            elif kind == "swapped_date":
                if birth_date is None or birth_date.day > 12 or birth_date.day == birth_date.month:
                    birth_date = dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 12))
                    while birth_date.day == birth_date.month:
                        birth_date = dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 12))
                    cursor.execute(
                        "UPDATE students_student SET birth_date = %s WHERE id = %s",
                        [birth_date, original_id],
                    )
                new_birth = dt.date(birth_year, birth_date.day, birth_date.month)
                if rng.random() < 0.5:
                    new_name = _strip(name)
            elif kind == "transfer":
                new_school = rng.choice(schools)[0]
                if rng.random() < 0.3:
                    new_name = _strip(name)
            elif kind == "year_only":
                new_birth = None
                if rng.random() < 0.3:
                    new_name = _typo(name, rng)
            elif kind == "twin":
                words = name.split(" ")
                others = ["An", "Bình", "Cường", "Dũng", "Giang", "Khoa", "Lâm", "Nam"]
                if gender == "female":
                    others = ["Chi", "Dung", "Giang", "Hoa", "Lan", "Mai", "Nhung", "Yến"]
                words[-1] = rng.choice([o for o in others if o != words[-1]])
                new_name = " ".join(words)
            if kind != "twin" and rng.random() < 0.1:
                new_commune = None  # the address the school wrote was not matched
            dup_id = next_id
            next_id += 1
            students.append(
                (
                    dup_id,
                    new_name,
                    search_key(new_name),
                    new_birth,
                    birth_year,
                    gender,
                    ethnicity,
                    new_school,
                    grade,
                    class_name,
                    new_commune,
                    village,
                    address,
                    "studying",
                    now,
                    now,
                    "",
                    [],
                    "",
                    0,
                    "",
                    "",
                )
            )
            if kind == "transfer" and status == "studying":
                cursor.execute(
                    "UPDATE students_student SET status = 'transferred' WHERE id = %s",
                    [original_id],
                )
            x = rng.random()
            for g_name, relation, occupation, phone in guardians.get(original_id, []):
                if kind != "twin" and x < 0.15:
                    break  # the second list named no parent
                if kind != "twin" and x < 0.3:
                    g_name = _strip(g_name) if rng.random() < 0.5 else _typo(g_name, rng)
                new_guardians.append(
                    (dup_id, g_name, relation, occupation, phone, search_key(g_name))
                )
            truth.append((min(original_id, dup_id), max(original_id, dup_id), kind))

        columns = (
            "id, full_name, search_key, birth_date, birth_year, gender, ethnicity_id,"
            " school_id, grade, class_name, commune_id, village, address_text, status,"
            " created_at, updated_at, specific_situation, wishes, wishes_note, need_score,"
            " guardian_consent_by, note"
        )
        with cursor.copy(f"COPY students_student ({columns}) FROM STDIN") as copy:
            for row in students:
                copy.write_row(row)
        with cursor.copy(
            "COPY students_guardian (student_id, full_name, relation, occupation, phone,"
            " search_key) FROM STDIN"
        ) as copy:
            for row in new_guardians:
                copy.write_row(row)
        with cursor.copy(f"COPY {TRUTH} (a, b, kind) FROM STDIN") as copy:
            for row in truth:
                copy.write_row(row)
        cursor.execute("ANALYZE students_student")
        cursor.execute("ANALYZE students_guardian")
    return {"seeded": True, "planted": planted, "twins": twins}


def _truth() -> tuple[set[tuple[int, int]], dict[tuple[int, int], str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a, b, kind FROM {TRUTH}")
        rows = cursor.fetchall()
    kinds = {(a, b): kind for a, b, kind in rows}
    return {pair for pair, kind in kinds.items() if kind != "twin"}, kinds


def _quality(found: set[tuple[int, int]]) -> dict:
    truth, kinds = _truth()
    hits = found & truth
    by_kind = {}
    for kind in (*KINDS, "twin"):
        pairs = {p for p, k in kinds.items() if k == kind}
        by_kind[kind] = f"{len(pairs & found)}/{len(pairs)}"
    return {
        "found": len(found),
        "true": len(truth),
        "hits": len(hits),
        "precision": len(hits) / len(found) if found else 0.0,
        "recall": len(hits) / len(truth) if truth else 0.0,
        "by_kind": by_kind,
    }


def run_seed(total: int) -> None:
    child_setup()
    started = time.perf_counter()
    result = plant(total=total)
    emit({**result, "seconds": time.perf_counter() - started})


def run_ours() -> None:
    child_setup()
    from django.db import connection

    from students.duplicates import THRESHOLD, duplicates_detect

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE students_duplicatepair")
    started = time.perf_counter()
    result = duplicates_detect()
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT student_a_id, student_b_id, score >= %s FROM students_duplicatepair",
            [THRESHOLD],
        )
        rows = cursor.fetchall()
    # Precision and recall are the score's (pairs at THRESHOLD or more), as before the
    # rule that also queues every same name + same birth date in one district for a
    # person to decide; those pairs are counted on their own.
    found = {(a, b) for a, b, scored in rows if scored}
    ruled = {(a, b) for a, b, scored in rows if not scored}
    truth, _kinds = _truth()
    emit(
        {
            "seconds": seconds,
            "candidates": result.candidates,
            **_quality(found),
            "ruled": len(ruled),
            "ruled_hits": len(ruled & truth),
        }
    )


def run_anchor() -> None:
    """The exact-key rule: same search key and birth year, anywhere in the province."""
    child_setup()
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, b.id FROM students_student a JOIN students_student b"
            " ON a.search_key = b.search_key AND a.birth_year = b.birth_year AND a.id < b.id"
        )
        found = set(cursor.fetchall())
    emit({"seconds": time.perf_counter() - started, **_quality(found)})


def run_naive(sample: int) -> None:
    """Every pair of a sample compared by trigram similarity (no blocking)."""
    child_setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM students_student")
        total = cursor.fetchone()[0]
        started = time.perf_counter()
        cursor.execute(
            "CREATE TEMP TABLE naive AS SELECT id, search_key FROM students_student"
            " ORDER BY id LIMIT %s",
            [sample],
        )
        cursor.execute(
            "SELECT count(*) FROM naive a JOIN naive b ON a.id < b.id"
            " WHERE similarity(a.search_key, b.search_key) >= 0.6"
        )
        similar = cursor.fetchone()[0]
        seconds = time.perf_counter() - started
    pairs = sample * (sample - 1) / 2
    whole = total * (total - 1) / 2
    emit(
        {
            "seconds": seconds,
            "sample": sample,
            "similar": similar,
            "extrapolated_seconds": seconds * whole / pairs,
        }
    )


def main() -> None:
    total = int(os.environ.get("BENCH_DUP_STUDENTS", "1000000"))
    sample = int(os.environ.get("BENCH_DUP_SAMPLE", "5000"))
    # Its own kept database: the import benchmark leaves students of non-demo schools.
    django_setup(suffix="_dup")
    seeded, wall = child("bench.duplicates", "seed", str(total))
    print(
        f"Duplicate benchmark: {total:,} students, {seeded['planted']:,} planted duplicates"
        f" ({', '.join(KINDS)}), {seeded['twins']:,} twins (not duplicates)"
        + (f"; generated in {wall:.0f} s" if seeded["seeded"] else "; reused")
    )
    ours, _ = child("bench.duplicates", "ours")
    print(
        f"  ours, whole province:       {ours['seconds']:8.1f} s  precision {ours['precision']:.3f}"
        f"  recall {ours['recall']:.3f}  ({ours['hits']:,} of {ours['found']:,} pairs found are"
        f" planted; {ours['candidates']:,} candidates scored)  peak {ours['peak_mb']:.0f} MB"
    )
    print(f"    found by kind: {ours['by_kind']}")
    print(
        f"    queued besides by the rule (same name, same birth date, one district; score"
        f" below the threshold): {ours['ruled']:,} pairs, {ours['ruled_hits']:,} of them planted"
    )
    anchor, _ = child("bench.duplicates", "anchor")
    print(
        f"  anchor, exact key (name + birth year): {anchor['seconds']:6.1f} s  precision"
        f" {anchor['precision']:.3f}  recall {anchor['recall']:.3f}  ({anchor['found']:,} pairs)"
    )
    print(f"    found by kind: {anchor['by_kind']}")
    naive, _ = child("bench.duplicates", "naive", str(sample))
    print(
        f"  naive all pairs, trigram:   {naive['seconds']:8.1f} s for {naive['sample']:,} students"
        f" -> {naive['extrapolated_seconds'] / 3600:,.0f} h extrapolated to {total:,}"
    )
    print(
        f"  ratio naive (extrapolated) / ours: {naive['extrapolated_seconds'] / ours['seconds']:,.0f}x;"
        f"  recall ours / exact key: {ours['recall'] / max(anchor['recall'], 1e-9):.1f}x"
    )
    print(
        f"  targets: <= 60 s {'met' if ours['seconds'] <= 60 else 'NOT met'};"
        f" precision >= 0.95 {'met' if ours['precision'] >= 0.95 else 'NOT met'};"
        f" recall >= 0.9 {'met' if ours['recall'] >= 0.9 else 'NOT met'}"
    )


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "seed":
        run_seed(int(args[0]))
    elif command == "ours":
        run_ours()
    elif command == "anchor":
        run_anchor()
    elif command == "naive":
        run_naive(int(args[0]))
