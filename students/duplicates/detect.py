"""Finding students written twice, across the whole province, in set-based SQL.

Personal ID and MOET code are unique in the table (an import matches a row to the
existing student by them), so two records of one child never share them: the second
record lacks them, or carries a wrong one. Detection therefore works on what schools
type differently, and uses the identifiers as evidence against (two different personal
IDs are two children).

Blocking, so that 1,000,000 students are not 500 billion pairs: a pair is compared
only when the two records share
  - the birth date, or the date with day and month swapped, and the given name or
    everything before it (a typo touches one of the two), or
  - the birth year, when one of them has only the year, and the whole name, or the
    given name or everything before it together with the commune.
Inside a block the names (search keys: no diacritics, lower case) must be the same,
or at most two letters apart with a given name that is the same or one letter off
(not for two-letter names: An and Anh are two names), or share the given name with a
trigram similarity >= 0.6. Each surviving pair gets a score with its reasons; pairs
scoring at least THRESHOLD are kept for review.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from students.models import DuplicatePair

R = DuplicatePair.Reason
_TEMP_TABLES = "dup_people, dup_candidates, dup_scored"
THRESHOLD = 75

# Points: name 40 (same) or 20 + 20 x trigram similarity; birth date 30 (same), 22
# (swapped), 12 (same year, one of them year only); guardians 20 (same) or 12
# (similar); commune 10; school 5. Against: another gender -40, two different
# personal IDs -40, two different MOET codes -20.
_PEOPLE = """
CREATE TEMP TABLE dup_people AS
SELECT s.id,
       s.search_key AS name,
       substring(s.search_key from '[^ ]*$') AS given,
       coalesce(substring(s.search_key from '^(.*) [^ ]*$'), '') AS rest,
       s.birth_date AS born,
       s.birth_year AS year,
       CASE WHEN extract(day from s.birth_date) <= 12
                 AND extract(day from s.birth_date) <> extract(month from s.birth_date)
            THEN make_date(s.birth_year, extract(day from s.birth_date)::int,
                           extract(month from s.birth_date)::int)
       END AS swapped,
       s.commune_id AS commune
  FROM students_student s
 WHERE s.merged_into_id IS NULL
"""

# One block: `join` says which rows meet, `birth` what their birth dates share.
_NAMES_CLOSE = """
    (a.name = b.name
     OR (a.given = b.given AND similarity(a.name, b.name) >= 0.6)
     OR (levenshtein(a.name, b.name) <= 2
         AND (a.given = b.given
              OR (length(a.given) >= 3 AND length(b.given) >= 3
                  AND levenshtein(a.given, b.given) <= 1))))
"""
_BLOCKS = [
    ("same", "b.born = a.born AND b.given = a.given AND b.id > a.id"),
    ("same", "b.born = a.born AND b.rest = a.rest AND b.given <> a.given AND b.id > a.id"),
    ("swapped", "b.born = a.swapped AND b.given = a.given AND b.id > a.id"),
    ("swapped", "b.born = a.swapped AND b.rest = a.rest AND b.given <> a.given AND b.id > a.id"),
    # Year only on a's side; b has a date, or only the year too (then each pair once).
    (
        "year",
        "a.born IS NULL AND b.year = a.year AND b.name = a.name"
        " AND (b.born IS NOT NULL OR b.id > a.id)",
    ),
    (
        "year",
        "a.born IS NULL AND b.year = a.year AND b.given = a.given AND b.commune = a.commune"
        " AND b.name <> a.name AND (b.born IS NOT NULL OR b.id > a.id)",
    ),
    (
        "year",
        "a.born IS NULL AND b.year = a.year AND b.rest = a.rest AND b.commune = a.commune"
        " AND b.given <> a.given AND (b.born IS NOT NULL OR b.id > a.id)",
    ),
]

_SCORED = """
CREATE TEMP TABLE dup_scored AS
WITH pairs AS (
    SELECT DISTINCT least(c.a, c.b) AS a, greatest(c.a, c.b) AS b, c.birth
      FROM dup_candidates c
), guardians AS (
    SELECT p.a, p.b, max(similarity(ga.search_key, gb.search_key)) AS similar
      FROM pairs p
      JOIN students_guardian ga ON ga.student_id = p.a
      JOIN students_guardian gb ON gb.student_id = p.b
     GROUP BY p.a, p.b
), facts AS (
    SELECT p.a, p.b, p.birth,
           sa.search_key = sb.search_key AS same_name,
           similarity(sa.search_key, sb.search_key) AS name_similar,
           coalesce(g.similar, 0) AS guardian_similar,
           sa.commune_id = sb.commune_id AS same_commune,
           sa.school_id = sb.school_id AS same_school,
           sa.gender <> sb.gender AS other_gender,
           sa.personal_id <> sb.personal_id AS other_id,
           sa.moet_code <> sb.moet_code AS other_code
      FROM pairs p
      JOIN students_student sa ON sa.id = p.a
      JOIN students_student sb ON sb.id = p.b
      LEFT JOIN guardians g ON g.a = p.a AND g.b = p.b
)
SELECT a, b,
       (CASE WHEN same_name THEN 40 ELSE round(20 + 20 * name_similar) END
        + CASE birth WHEN 'same' THEN 30 WHEN 'swapped' THEN 22 ELSE 12 END
        + CASE WHEN guardian_similar >= 0.85 THEN 20 WHEN guardian_similar >= 0.6 THEN 12 ELSE 0 END
        + CASE WHEN same_commune THEN 10 ELSE 0 END
        + CASE WHEN same_school THEN 5 ELSE 0 END
        - CASE WHEN other_gender THEN 40 ELSE 0 END
        - CASE WHEN coalesce(other_id, false) THEN 40 ELSE 0 END
        - CASE WHEN coalesce(other_code, false) THEN 20 ELSE 0 END)::int AS score,
       to_jsonb(array_remove(ARRAY[
           CASE WHEN same_name THEN %(same_name)s ELSE %(similar_name)s END,
           CASE birth WHEN 'same' THEN %(same_birth_date)s WHEN 'swapped' THEN %(swapped)s
                ELSE %(same_birth_year)s END,
           CASE WHEN guardian_similar >= 0.6 THEN %(guardian)s END,
           CASE WHEN same_commune THEN %(commune)s END,
           CASE WHEN same_school THEN %(school)s END
       ]::text[], NULL)) AS reasons
  FROM facts
"""

_SAVE = """
WITH found AS (
    SELECT a, b, least(score, 100) AS score, reasons FROM dup_scored WHERE score >= %(threshold)s
), saved AS (
    INSERT INTO students_duplicatepair (student_a_id, student_b_id, score, reasons, state,
                                        detected_at)
    SELECT a, b, score, reasons, 'pending', %(now)s FROM found
    ON CONFLICT (student_a_id, student_b_id) DO UPDATE
       SET score = EXCLUDED.score, reasons = EXCLUDED.reasons
     WHERE students_duplicatepair.state = 'pending'
       AND (students_duplicatepair.score, students_duplicatepair.reasons)
           IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.reasons)
    RETURNING (xmax = 0) AS inserted
), stale AS (
    -- Pending pairs no longer found (a record was corrected, merged or deleted).
    DELETE FROM students_duplicatepair d
     WHERE d.state = 'pending'
       AND NOT EXISTS (SELECT 1 FROM found f WHERE f.a = d.student_a_id AND f.b = d.student_b_id)
    RETURNING 1
)
SELECT (SELECT count(*) FROM found),
       (SELECT count(*) FROM saved WHERE inserted),
       (SELECT count(*) FROM stale)
"""


@dataclass
class DetectResult:
    students: int
    candidates: int
    found: int
    new: int
    removed: int
    seconds: float

    def as_dict(self) -> dict:
        return {
            "students": self.students,
            "candidates": self.candidates,
            "found": self.found,
            "new": self.new,
            "removed": self.removed,
            "seconds": round(self.seconds, 1),
        }


def duplicates_detect(*, progress: Callable[[int, int, str], None] | None = None) -> DetectResult:
    """Find possible duplicates among all current students of the province and store
    them as pending pairs. Decided pairs (merged, not duplicates) are never touched;
    pending pairs that are no longer found go. One transaction."""
    started = time.monotonic()
    steps = len(_BLOCKS) + 3

    def step(done: int, message: str) -> None:
        if progress is not None:
            progress(done, steps, message)

    # Temporary tables, not one long transaction: each step commits on its own (when
    # no caller holds a transaction) so the job's progress is seen while it runs; only
    # the write of the pairs is one transaction.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_TEMP_TABLES}")
        cursor.execute("SET work_mem = '256MB'")
        try:
            step(0, "Chuẩn bị danh sách học sinh")
            cursor.execute(_PEOPLE)
            students = cursor.rowcount
            cursor.execute("ANALYZE dup_people")
            cursor.execute("CREATE TEMP TABLE dup_candidates (a bigint, b bigint, birth text)")
            candidates = 0
            for number, (birth, join) in enumerate(_BLOCKS, start=1):
                step(number, f"Ghép cặp theo khối {number}/{len(_BLOCKS)}")
                cursor.execute(
                    f"INSERT INTO dup_candidates SELECT a.id, b.id, %s"
                    f" FROM dup_people a JOIN dup_people b ON {join} WHERE {_NAMES_CLOSE}",
                    [birth],
                )
                candidates += cursor.rowcount
            step(len(_BLOCKS) + 1, "Tính điểm giống nhau")
            cursor.execute(
                _SCORED,
                {
                    "same_name": R.SAME_NAME.value,
                    "similar_name": R.SIMILAR_NAME.value,
                    "same_birth_date": R.SAME_BIRTH_DATE.value,
                    "swapped": R.SWAPPED_BIRTH_DATE.value,
                    "same_birth_year": R.SAME_BIRTH_YEAR.value,
                    "guardian": R.SIMILAR_GUARDIAN.value,
                    "commune": R.SAME_COMMUNE.value,
                    "school": R.SAME_SCHOOL.value,
                },
            )
            step(len(_BLOCKS) + 2, "Lưu các cặp có thể trùng")
            with transaction.atomic():
                cursor.execute(_SAVE, {"threshold": THRESHOLD, "now": timezone.now()})
                found, new, removed = cursor.fetchone()
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {_TEMP_TABLES}")
            cursor.execute("RESET work_mem")
    step(steps, "Xong")
    return DetectResult(
        students=students,
        candidates=candidates,
        found=found,
        new=new,
        removed=removed,
        seconds=time.monotonic() - started,
    )
