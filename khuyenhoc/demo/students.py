"""Students, guardians, circumstances and status changes as COPY text rows.

Only `random()` is drawn, one call per decision (never `randrange`, whose number of
draws depends on its argument), so a seed draws the same students whatever today's
date: only their dates move. The idempotency check relies on it."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random as random_module
from dataclasses import dataclass

from khuyenhoc.demo.areas import District
from khuyenhoc.demo.names import PA_CO, VAN_KIEU, Picker, person_name
from khuyenhoc.demo.schools import SchoolPlan
from khuyenhoc.demo.vocabulary import (
    CARER,
    COASTAL_DIFFICULTIES,
    DISABILITY_LEVEL,
    DISABILITY_TEXT,
    DISABILITY_TYPE,
    GRADE_WEIGHT,
    LETTERS,
    LEVEL_TEXT,
    MOUNTAIN_DIFFICULTIES,
    OCCUPATION,
    ORPHAN_LABEL,
    OTHER_DIFFICULTIES,
    OTHER_ETHNICITIES,
    PERSONAL_ID_PREFIX,
    PHONE_PREFIX,
    STATUS,
    STATUS_REASONS,
    SUPPORT_GIVERS,
    SUPPORT_ITEMS,
    SUPPORT_KINDS,
    SUPPORT_NOTES,
    WISH_NOTES,
    WISH_RATES,
)
from khuyenhoc.text import search_key
from students.scoring import circumstance_points
from students.status.rollover import current_school_year

STUDENT_COLUMNS = (
    "id",
    "full_name",
    "search_key",
    "birth_date",
    "birth_year",
    "gender",
    "ethnicity_id",
    "personal_id",
    "moet_code",
    "school_id",
    "grade",
    "class_name",
    "commune_id",
    "village",
    "address_text",
    "specific_situation",
    "wishes",
    "wishes_note",
    "status",
    "status_changed_on",
    "need_score",
    "guardian_consent_on",
    "guardian_consent_by",
    "child_consent_on",
    "verified_at",
    "verified_by_id",
    "note",
    "created_at",
    "updated_at",
)
GUARDIAN_COLUMNS = ("student_id", "full_name", "relation", "occupation", "phone", "search_key")
CIRCUMSTANCE_COLUMNS = (
    "student_id",
    "kind",
    "disability_type",
    "disability_level",
    "orphan_label",
    "orphan_legal",
    "household_year",
    "description",
    "confirmed",
    "certificate_number",
    "certificate_date",
    "certificate_issuer",
    "started_on",
    "ended_on",
    "recorded_at",
)
STATUS_COLUMNS = (
    "student_id",
    "status",
    "changed_on",
    "reason",
    "recorded_at",
    "from_school_id",
    "recorded_by_id",
    "to_school_id",
)
SUPPORT_COLUMNS = (
    "student_id",
    "school_year",
    "received_on",
    "giver",
    "kind",
    "description",
    "amount_vnd",
    "quantity",
    "note",
    "recorded_by_id",
    "recorded_at",
)
NULL = "\\N"


class _Fact:
    """Just enough of a Circumstance for `students.scoring.circumstance_points`."""

    __slots__ = (
        "confirmed",
        "disability_level",
        "ended_on",
        "household_year",
        "kind",
        "orphan_label",
        "orphan_legal",
    )

    def __init__(self, kind: str, **values):
        self.kind = kind
        self.disability_level = values.get("disability_level", "")
        self.orphan_label = values.get("orphan_label", "")
        self.orphan_legal = values.get("orphan_legal")
        self.household_year = values.get("household_year")
        self.confirmed = values.get("confirmed", False)
        self.ended_on = None


@dataclass
class Demo:
    """What the generator draws from: the old districts and the demo schools."""

    districts: list[District]
    schools: list[SchoolPlan]
    ethnicity_ids: dict[str, int]
    verifier_ids: dict[str, int]  # district code -> user id; "" for the province
    today: dt.date


BLOCK = 10_000
SAMPLE = 5


@dataclass
class Block:
    students: bytes
    guardians: bytes
    circumstances: bytes
    status_changes: bytes
    supports: bytes
    counts: tuple[int, int, int, int, int]
    sample: list[str]
    sample_supports: list[int]  # support rows of each sampled student


@dataclass
class StudentRows:
    student: str
    guardians: list[str]
    circumstances: list[str]
    status_change: str | None
    supports: list[str]


def district_counts(*, districts: list[District], total: int) -> list[int]:
    """Split `total` in proportion to the district weights (largest remainder)."""
    weights = [d.weight for d in districts]
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def scramble(value: int, *, half: int, key: int) -> int:
    """A bijection on [0, half**2) that looks random: four Feistel rounds over the two
    base-`half` digits of `value`."""
    left, right = divmod(value, half)
    for shift in (0, 8, 16, 24):
        left, right = right, (left + (((right + (key >> shift)) * 2_654_435_761) >> 13)) % half
    return left * half + right


NOUN_OCCUPATIONS = {"Công nhân", "Ngư dân", "Thợ xây", "Nội trợ"}


def doing(occupation: str) -> str:
    """An occupation inside a sentence: "làm nông", "là công nhân"."""
    return ("là " if occupation in NOUN_OCCUPATIONS else "") + occupation.lower()


def _b(value: bool | None) -> str:
    return NULL if value is None else ("t" if value else "f")


class StudentGenerator:
    def __init__(self, *, demo: Demo, seed: int):
        self.demo = demo
        self.random = random_module.Random(seed).random
        self.today = demo.today
        self.year = demo.today.year
        self.school_year = self.year if demo.today.month >= 9 else self.year - 1
        start = dt.date(self.school_year, 9, 10)
        end = min(demo.today, dt.date(self.school_year, 11, 15))
        if end <= start:
            start = end - dt.timedelta(days=60)
        self.entry_start, self.entry_days = start.toordinal(), (end - start).days
        self.today_ordinal = demo.today.toordinal()
        # Support handed out this school year (as the list's filter counts it) and the
        # one before: from the back-to-school gifts of mid-August to the end of May, and
        # never after today.
        self.support_year = current_school_year(demo.today)
        self.support_windows = []
        for year in (self.support_year, self.support_year - 1):
            start = dt.date(year, 8, 15).toordinal()
            end = min(self.today_ordinal, dt.date(year + 1, 5, 31).toordinal())
            if end < start:
                start = min(dt.date(year, 6, 1).toordinal(), end)
            self.support_windows.append((year, start, end - start))
        self.support_random = self.random
        self._iso: dict[int, str] = {}
        self._keys: dict[str, str] = {}
        self.seed = seed
        self.key_id = (seed * 2_654_435_761 + 12_345) % 2**32
        self.count = 0
        self.district_ends: list[int] = []
        self.district_list: list[District] = []
        by_district: dict[int, list[SchoolPlan]] = {}
        for plan in demo.schools:
            by_district.setdefault(plan.district.id, []).append(plan)
        self.places = {
            d.id: Picker(
                [
                    ((plan, grade), plan.weight * GRADE_WEIGHT[grade])
                    for plan in by_district.get(d.id, [])
                    for grade in range(plan.grade_min, plan.grade_max + 1)
                ]
            )
            for d in demo.districts
            if by_district.get(d.id)
        }
        self.homes = {
            d.id: Picker([(c, 1.5 if c.urban else 1.0) for c in d.communes]) for d in demo.districts
        }
        self.all_homes = Picker([(c, 1.0) for d in demo.districts for c in d.communes])
        self.villages = {
            c.id: Picker([(v, 1.0) for v in c.villages]) for d in demo.districts for c in d.communes
        }

    # -- small helpers -------------------------------------------------------
    def iso(self, ordinal: int) -> str:
        text = self._iso.get(ordinal)
        if text is None:
            text = self._iso[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text

    def key(self, name: str) -> str:
        """search_key of a name part; a full name's is its parts' joined by a space."""
        text = self._keys.get(name)
        if text is None:
            text = self._keys[name] = search_key(name)
        return text

    def digits(self, count: int) -> str:
        return f"{int(self.random() * 10**count):0{count}d}"

    def phone(self) -> str:
        return PHONE_PREFIX(self.random) + self.digits(7)

    def stamp(self, ordinal: int) -> str:
        return self.stamp_with(self.random, ordinal)

    def stamp_with(self, random, ordinal: int) -> str:
        minutes = int(random() * 600)
        return f"{self.iso(ordinal)} {7 + minutes // 60:02d}:{minutes % 60:02d}:00+07"

    # -- one student -----------------------------------------------------------
    def layout(self, *, count: int) -> None:
        """Fix how many students each district gets; index i belongs to the district
        whose cumulative count first exceeds i."""
        districts = [d for d in self.demo.districts if d.id in self.places]
        counts = district_counts(districts=districts, total=count)
        self.count = count
        self.district_ends = list(itertools.accumulate(counts))
        self.district_list = districts

    def block(self, number: int, *, first_id: int, limit: int | None = None) -> Block:
        """Rows of students [number * BLOCK, (number + 1) * BLOCK): each block has its
        own random stream, so blocks can be drawn in any order or process."""
        self.random = random_module.Random(f"{self.seed}/{number}").random
        # Support rows draw from a stream of their own: the students of a seed stay
        # the same as before support was part of the demo.
        self.support_random = random_module.Random(f"{self.seed}/{number}/support").random
        start = number * BLOCK
        stop = min(self.count, start + BLOCK)
        if limit is not None:
            stop = min(stop, start + limit)
        students: list[str] = []
        guardians: list[str] = []
        facts: list[str] = []
        changes: list[str] = []
        supports: list[str] = []
        sample_supports: list[int] = []
        ends = self.district_ends
        where = bisect.bisect_right(ends, start)
        for index in range(start, stop):
            while index >= ends[where]:
                where += 1
            rows = self.student(
                index=index, student_id=first_id + index, district=self.district_list[where]
            )
            students.append(rows.student)
            guardians += rows.guardians
            facts += rows.circumstances
            if rows.status_change:
                changes.append(rows.status_change)
            supports += rows.supports
            if len(sample_supports) < SAMPLE:
                sample_supports.append(len(rows.supports))
        return Block(
            students=lines_of(students),
            guardians=lines_of(guardians),
            circumstances=lines_of(facts),
            status_changes=lines_of(changes),
            supports=lines_of(supports),
            counts=(len(students), len(guardians), len(facts), len(changes), len(supports)),
            sample=students[:SAMPLE],
            sample_supports=sample_supports,
        )

    def student(self, *, index: int, student_id: int, district: District) -> StudentRows:
        r = self.random
        demo = self.demo
        plan, grade = self.places[district.id](r)
        school_commune = plan.commune
        x = r()
        if plan.level in ("primary", "lower_secondary", "multi_level") and x < 0.88:
            home = school_commune
        elif x < 0.985:
            home = self.homes[district.id](r)
        else:
            home = self.all_homes(r)

        x = r()
        if x < home.van_kieu:
            ethnicity = VAN_KIEU
        elif x < home.van_kieu + home.pa_co:
            ethnicity = PA_CO
        elif r() < (0.02 if home.mountain else 0.006 if home.urban else 0.002):
            ethnicity = OTHER_ETHNICITIES(r)
        else:
            ethnicity = "01"
        minority = ethnicity in (VAN_KIEU, PA_CO)
        gender = "female" if r() < 0.49 else "male"

        father_family, father_rest = person_name(ethnicity=ethnicity, gender="male", random=r)
        mother_family, mother_rest = person_name(ethnicity=ethnicity, gender="female", random=r)
        family = father_family if r() < 0.93 else mother_family
        _family, rest = person_name(ethnicity=ethnicity, gender=gender, random=r, family=family)
        full_name = f"{family} {rest}"

        # Age: born in the calendar year the child turns 6 before grade 1; some repeat.
        x = r()
        late = 2 if x < 0.01 else 1 if x < (0.14 if minority else 0.05) else 0
        birth_year = self.school_year - 5 - grade - late
        jan1 = dt.date(birth_year, 1, 1).toordinal()
        year_days = 366 if birth_year % 4 == 0 else 365
        birth_ordinal = jan1 + int(r() * year_days)
        year_only = r() < (0.25 if minority else 0.1)
        birth_date = NULL if year_only else self.iso(birth_ordinal)

        # Unique by construction (a permutation of the index), so blocks drawn apart
        # never collide.
        personal_id = NULL
        if r() < (0.55 if minority else 0.72):
            # Past the first million, other birth provinces than the first million's.
            prefix = PERSONAL_ID_PREFIX(r) if index < 1_000_000 else f"0{49 + index // 1_000_000}"
            sex = "2" if gender == "male" else "3"
            serial = scramble(index % 1_000_000, half=1_000, key=self.key_id)
            personal_id = f"{prefix}{sex}{birth_year % 100:02d}{serial:06d}"
        moet_code = NULL
        if r() < 0.8:
            moet_code = f"45{scramble(index, half=10_000, key=self.key_id):08d}"

        class_name = f"{grade}A{1 + int(r() * 6)}" if grade >= 10 else f"{grade}{LETTERS(r)}"
        village = self.villages[home.id](r)
        address_text = f"{village}, {home.in_words}, {home.district.in_words}"
        area = "mountain" if minority else "coastal" if home.coastal else None
        area = area or ("urban" if home.urban else "rural")
        occupations = OCCUPATION[area]
        issuer = f"UBND {home.in_words}"

        # Circumstances.
        facts: list[str] = []
        situation: list[str] = []
        points = 0
        created = self.entry_start + int(r() * self.entry_days)
        recorded_at = self.stamp(created)
        poor_rate = district.poor_rate + (0.2 if minority else 0.0)
        household = None
        if r() < poor_rate:
            household = "poor"
        elif r() < 0.35:
            household = "near_poor"
        if household:
            x = r()
            year = (
                self.year
                if x < 0.78
                else self.year - 1
                if x < 0.88
                else self.year - 2
                if x < 0.95
                else self.year - 3
            )
            number = f"{1 + int(r() * 900):03d}/GCN-UBND" if r() < 0.85 else ""
            cert_date = self.iso(dt.date(year, 1, 5).toordinal() + int(r() * 20))
            facts.append(
                f"{household}\t\t\t\t{NULL}\t{year}\t\tf\t{number}\t"
                f"{cert_date if number else NULL}\t{issuer if number else ''}\t{NULL}\t{NULL}\t{recorded_at}"
            )
            points += circumstance_points(_Fact(household, household_year=year), self.today)
            label = "hộ nghèo" if household == "poor" else "hộ cận nghèo"
            situation.append(f"Gia đình thuộc {label} năm {year}")

        orphan = ""
        if r() < 0.14:
            orphan = ORPHAN_LABEL(r)
            x = r()
            legal = (
                (x < 0.85)
                if orphan == "both"
                else (True if x < 0.1 else None if x < 0.3 else False)
            )
            lost = birth_ordinal + int(r() * (self.today_ordinal - birth_ordinal - 30))
            facts.append(
                f"orphan\t\t\t{orphan}\t{_b(legal)}\t{NULL}\t\tf\t\t{NULL}\t\t"
                f"{self.iso(lost)}\t{NULL}\t{recorded_at}"
            )
            points += circumstance_points(
                _Fact("orphan", orphan_label=orphan, orphan_legal=legal), self.today
            )
        carer = None
        if orphan == "father":
            situation.append(f"Bố mất năm {dt.date.fromordinal(lost).year}, em sống với mẹ")
        elif orphan == "mother":
            situation.append(f"Mẹ mất năm {dt.date.fromordinal(lost).year}, em sống với bố")
        elif orphan == "both":
            carer = CARER(r)
            situation.append(f"Bố mẹ đều đã mất, em sống với {carer[1]}")

        if r() < 0.07:
            kind, level = DISABILITY_TYPE(r), DISABILITY_LEVEL(r)
            since = max(birth_ordinal + 365, dt.date(2015, 1, 1).toordinal())
            cert = since + int(r() * max(1, self.today_ordinal - since - 30))
            number = f"{1 + int(r() * 500)}/GXNKT"
            facts.append(
                f"disability\t{kind}\t{level}\t\t{NULL}\t{NULL}\t\tf\t{number}\t{self.iso(cert)}\t"
                f"{issuer}\t{NULL}\t{NULL}\t{recorded_at}"
            )
            points += circumstance_points(_Fact("disability", disability_level=level), self.today)
            situation.append(f"Em bị {DISABILITY_TEXT[kind]}, mức độ {LEVEL_TEXT[level]}")

        if not facts or r() < 0.15:
            pool = OTHER_DIFFICULTIES
            if home.coastal and r() < 0.3:
                pool = COASTAL_DIFFICULTIES
            elif minority and r() < 0.5:
                pool = MOUNTAIN_DIFFICULTIES
            text = pool[int(r() * len(pool))]
            confirmed = r() < 0.4
            facts.append(
                f"other\t\t\t\t{NULL}\t{NULL}\t{text}\t{_b(confirmed)}\t\t{NULL}\t\t"
                f"{NULL}\t{NULL}\t{recorded_at}"
            )
            points += circumstance_points(_Fact("other", confirmed=confirmed), self.today)
            situation.append(text)

        # Guardians.
        key = self.key
        father = (father_family, father_rest)
        mother = (mother_family, mother_rest)
        parents: list[tuple[tuple[str, str], str, str]] = []
        if orphan == "father":
            parents.append((mother, "mother", occupations(r)))
        elif orphan == "mother":
            parents.append((father, "father", occupations(r)))
        elif orphan == "both":
            relation = carer[0]
            if relation == "grandparent":
                elder_family, elder_rest = person_name(
                    ethnicity=ethnicity, gender="male" if r() < 0.4 else "female", random=r
                )
                parents.append(((elder_family, elder_rest), relation, OCCUPATION["old"](r)))
            else:
                carer_family, carer_rest = person_name(
                    ethnicity=ethnicity, gender="male" if r() < 0.5 else "female", random=r
                )
                parents.append(((carer_family, carer_rest), relation, occupations(r)))
        else:
            x = r()
            if x < 0.7:
                parents += [(father, "father", occupations(r)), (mother, "mother", occupations(r))]
            elif x < 0.88:
                parents.append((mother, "mother", occupations(r)))
            else:
                parents.append((father, "father", occupations(r)))
        guardians = []
        for (family_name, rest_name), relation, occupation in parents:
            phone = self.phone() if r() < (0.7 if minority else 0.88) else ""
            guardians.append(
                f"{student_id}\t{family_name} {rest_name}\t{relation}\t{occupation}\t{phone}\t"
                f"{key(family_name)} {key(rest_name)}"
            )
        if orphan != "both" and len(parents) == 2:
            situation.append(f"Bố {doing(parents[0][2])}, mẹ {doing(parents[1][2])}")
        elif orphan != "both":
            situation.append(
                f"{'Bố' if parents[0][1] == 'father' else 'Mẹ'} {doing(parents[0][2])}"
            )
        if r() < 0.3:
            situation.append(f"Gia đình có {3 + int(r() * 4)} anh chị em")
        specific_situation = ". ".join(situation) + "."

        # Wishes.
        group = "primary" if grade <= 5 else "lower" if grade <= 9 else "upper"
        wishes = [wish for wish, rate in WISH_RATES[group] if r() < rate]
        wishes_note = ""
        if r() < 0.05:
            wishes.append("other")
            wishes_note = WISH_NOTES[int(r() * len(WISH_NOTES))]
        elif not wishes:
            wishes.append("scholarship")

        # Status, consent, verification.
        status = STATUS(r)
        if status == "graduated" and grade not in (5, 9, 12):
            status = "studying"
        status_line = None
        status_changed_on = NULL
        updated = recorded_at
        if status != "studying":
            changed = created + int(r() * max(1, self.today_ordinal - created))
            status_changed_on = self.iso(changed)
            reasons = STATUS_REASONS[status]
            reason = reasons[int(r() * len(reasons))]
            from_school = str(plan.id) if status == "transferred" else NULL
            changed_at = self.stamp(changed)
            updated = max(updated, changed_at)
            status_line = (
                f"{student_id}\t{status}\t{status_changed_on}\t{reason}\t{changed_at}\t"
                f"{from_school}\t{demo.verifier_ids.get(district.code, demo.verifier_ids[''])}\t{NULL}"
            )

        consent_on = child_consent = NULL
        consent_by = ""
        if r() < 0.9:
            consent_ordinal = created - int(r() * 10)
            consent_on = self.iso(consent_ordinal)
            consent_by = " ".join(parents[0][0])
            if grade >= 2 and r() < 0.7:
                child_consent = consent_on
        verified_at = verified_by = NULL
        if r() < 0.6:
            verified_ordinal = min(created + 1 + int(r() * 20), self.today_ordinal - 1)
            verified_at = self.stamp(verified_ordinal)
            updated = max(updated, verified_at)
            verified_by = str(demo.verifier_ids.get(district.code, demo.verifier_ids[""]))

        student = "\t".join(
            (
                str(student_id),
                full_name,
                f"{key(family)} {key(rest)}",
                birth_date,
                str(birth_year),
                gender,
                str(demo.ethnicity_ids[ethnicity]),
                personal_id,
                moet_code,
                str(plan.id),
                str(grade),
                class_name,
                str(home.id),
                village,
                address_text,
                specific_situation,
                "{" + ",".join(wishes) + "}",
                wishes_note,
                status,
                status_changed_on,
                str(points),
                consent_on,
                consent_by,
                child_consent,
                verified_at,
                verified_by,
                "",
                recorded_at,
                updated,
            )
        )
        supports = self.supports(
            student_id=student_id,
            district=district,
            plan=plan,
            grade=grade,
            points=points,
            studying=status == "studying",
            recorder=demo.verifier_ids.get(district.code, demo.verifier_ids[""]),
        )
        return StudentRows(
            student, guardians, [f"{student_id}\t{f}" for f in facts], status_line, supports
        )

    def supports(
        self,
        *,
        student_id: int,
        district: District,
        plan: SchoolPlan,
        grade: int,
        points: int,
        studying: bool,
        recorder: int,
    ) -> list[str]:
        """Support received this school year (if still at school) and the one before:
        more likely the harder the circumstances (the need score), one to three
        hand-outs a year."""
        r = self.support_random
        rows: list[str] = []
        chance = min(0.6, 0.18 + 0.018 * points)
        for number, (year, start, days) in enumerate(self.support_windows):
            if number == 1:
                # Last year: one grade lower, and first-graders were not at school yet.
                grade -= 1
                chance *= 0.8
            if r() >= chance or grade < 1 or (number == 0 and not studying):
                continue
            x = r()
            count = 1 if x < 0.7 else 2 if x < 0.95 else 3
            level = "primary" if grade <= 5 else "lower" if grade <= 9 else "upper"
            for _ in range(count):
                kind = SUPPORT_KINDS[level](r)
                description, amount, quantity = SUPPORT_ITEMS[kind](r)
                giver = SUPPORT_GIVERS(r).format(district=district.in_words, school=plan.name)
                received = start + int(r() * (days + 1))
                recorded = min(self.today_ordinal, received + int(r() * 10))
                note = SUPPORT_NOTES[int(r() * len(SUPPORT_NOTES))] if r() < 0.2 else ""
                rows.append(
                    f"{student_id}\t{year}\t{self.iso(received)}\t{giver}\t{kind}\t"
                    f"{description}\t{NULL if amount is None else amount}\t"
                    f"{NULL if quantity is None else quantity}\t{note}\t{recorder}\t"
                    f"{self.stamp_with(r, recorded)}"
                )
        return rows


def lines_of(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode() if rows else b""
