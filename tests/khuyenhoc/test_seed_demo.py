"""seed_demo: one demo of 2,000 students, seeded once for the module inside a
transaction that is rolled back at the end, so other test modules never see it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.test import override_settings
from django.utils import timezone

from khuyenhoc.demo.seed import demo_seed
from khuyenhoc.demo.users import DEMO_PASSWORD
from khuyenhoc.models import Area, School
from khuyenhoc.roles import Role
from khuyenhoc.text import search_key
from students.models import Circumstance, Guardian, Student, Support
from students.record.services import need_scores_recompute
from students.scoring import need_score
from students.status.rollover import current_school_year

pytestmark = pytest.mark.django_db

STUDENTS = 2000
SEED = 7
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        result = demo_seed(students=STUDENTS, seed=SEED, log=lambda message: None)
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER


def district(code: str) -> Area:
    return Area.objects.get(kind="district", code=code, valid_to=dt.date(2025, 6, 30))


def students_of(code: str):
    return Student.objects.filter(school__commune__path__startswith=district(code).path)


def snapshot() -> list[tuple]:
    return list(
        Student.objects.order_by("id").values_list(
            "id", "full_name", "personal_id", "moet_code", "school_id", "grade", "need_score"
        )
    )


def test_it_creates_schools_students_and_what_hangs_off_them(demo):
    assert Student.objects.count() == STUDENTS
    assert 320 <= School.objects.count() <= 380
    levels = dict(School.objects.values_list("level").annotate(n=Count("id")))
    assert levels["primary"] > levels["lower_secondary"] > levels["upper_secondary"]
    assert levels["continuing"] == 9  # one per district with schools
    assert levels["multi_level"] >= 5
    assert not School.objects.exclude(commune__valid_to=dt.date(2025, 6, 30)).exists()
    assert School.objects.filter(name="Trường PTDTBT TH&THCS A Bung", level="multi_level").exists()
    assert not Student.objects.filter(circumstances__isnull=True).exists()
    per_student = Student.objects.annotate(n=Count("guardians")).values_list("n", flat=True)
    assert set(per_student) <= {1, 2}
    assert Circumstance.objects.count() >= STUDENTS
    assert demo.students == STUDENTS and demo.guardians == Guardian.objects.count()


def test_it_gives_mountain_districts_more_minority_and_poor_students(demo):
    def shares(code: str) -> tuple[float, float]:
        students = students_of(code)
        total = students.count()
        minority = students.filter(ethnicity__code__in=["23", "31"]).count()
        poor = students.filter(circumstances__kind="poor").distinct().count()
        return minority / total, poor / total

    huong_hoa, dong_ha = shares("465"), shares("461")
    assert huong_hoa[0] > 0.4 > dong_ha[0] + 0.3
    assert huong_hoa[1] > dong_ha[1] + 0.2
    assert Student.objects.filter(ethnicity__code="31").exists()  # Pa Cô, mostly Đakrông


def test_it_makes_the_demo_users_with_their_roles_and_scope(demo, fast_hasher):
    users = {u.username: u for u in get_user_model().objects.prefetch_related("groups")}
    roles = {name: {g.name for g in u.groups.all()} for name, u in users.items()}
    assert roles["quantri"] == {Role.ADMIN} and users["quantri"].is_superuser
    assert roles["lanhdao"] == {Role.PROVINCIAL_LEADER}
    assert roles["tinhhoi"] == {Role.PROVINCIAL_STAFF} and users["tinhhoi"].is_staff
    assert roles["hoi_dongha"] == roles["hoi_giolinh"] == {Role.DISTRICT_STAFF}
    assert roles["truong_giolinh"] == {Role.SCHOOL_STAFF}
    assert all(u.check_password(DEMO_PASSWORD) and u.last_name for u in users.values())

    dong_ha = Student.objects.for_user(users["hoi_dongha"], "change")
    assert dong_ha.count() == students_of("461").count() > 0
    assert not dong_ha.exclude(school__commune__path__startswith=district("461").path).exists()
    assert Student.objects.for_user(users["lanhdao"]).count() == STUDENTS
    assert not Student.objects.for_user(users["lanhdao"], "change").exists()
    assert Student.objects.for_user(users["tinhhoi"], "change").count() == STUDENTS
    school = School.objects.for_user(users["truong_giolinh"]).get()
    assert school.name == "Trường THCS Gio Mỹ"
    assert set(
        Student.objects.for_user(users["truong_giolinh"], "change").values_list("school", flat=True)
    ) <= {school.pk}


def test_it_writes_consistent_rows(demo):
    today = timezone.localdate()
    with connection.cursor() as cursor:  # the deferred foreign keys hold too
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert need_scores_recompute() == 0
    students = list(Student.objects.select_related("school").prefetch_related("circumstances"))
    for student in students[::50]:
        student.full_clean()
        assert student.need_score == need_score(student.circumstances.all(), today)
        for circumstance in student.circumstances.all():
            circumstance.full_clean()
    for guardian in Guardian.objects.all()[:50]:
        guardian.full_clean()
        assert guardian.search_key == search_key(guardian.full_name)
    assert all(s.search_key == search_key(s.full_name) for s in students)
    assert all(s.school.grade_min <= s.grade <= s.school.grade_max for s in students)
    school_year = today.year if today.month >= 9 else today.year - 1
    assert all(0 <= school_year - 5 - s.grade - s.birth_year <= 2 for s in students)
    with_id = [s.personal_id for s in students if s.personal_id]
    assert 0.6 < len(with_id) / STUDENTS < 0.8 and len(set(with_id)) == len(with_id)
    assert all(p.isdigit() and len(p) == 12 and p.startswith("0") for p in with_id)
    codes = [s.moet_code for s in students if s.moet_code]
    assert 0.7 < len(codes) / STUDENTS < 0.9 and len(set(codes)) == len(codes)
    assert 0.5 < sum(1 for s in students if s.verified_at) / STUDENTS < 0.7
    assert 0.03 < sum(1 for s in students if s.birth_date is None) / STUDENTS < 0.3
    assert sum(1 for s in students if s.status == "studying") / STUDENTS > 0.9
    assert all(s.wishes and s.specific_situation for s in students)
    # Students live in the district of their school, nearly all of them.
    same = Student.objects.filter(
        commune__path__startswith=Substr("school__commune__path", 1, 8)
    ).count()
    assert same / STUDENTS > 0.95
    stale = Circumstance.objects.filter(kind__in=["poor", "near_poor"])
    assert stale.filter(household_year__lt=today.year).exists()
    assert stale.filter(household_year=today.year).count() > stale.count() / 2
    assert Circumstance.objects.filter(kind="orphan", orphan_legal=True).exists()
    assert Circumstance.objects.filter(~Q(disability_level=""), kind="disability").exists()


def supports_snapshot() -> list[tuple]:
    return list(
        Support.objects.order_by("id").values_list(
            "student_id", "school_year", "received_on", "giver", "kind", "amount_vnd"
        )
    )


def test_it_gives_a_share_of_the_students_support_this_year_and_last(demo):
    year = current_school_year()
    today = timezone.localdate()
    assert demo.supports == Support.objects.count() > 0
    this_year = Student.objects.filter(supports__school_year=year).distinct().count()
    last_year = Student.objects.filter(supports__school_year=year - 1).distinct().count()
    assert 0.2 < this_year / STUDENTS < 0.5
    assert 0.1 < last_year / STUDENTS < 0.45
    assert not Support.objects.exclude(school_year__in=[year, year - 1]).exists()
    assert not Support.objects.filter(received_on__gt=today).exists()
    # Harder circumstances, more often supported.
    high = Student.objects.filter(need_score__gte=10)
    low = Student.objects.filter(need_score__lte=4)
    share = lambda qs: qs.filter(supports__school_year=year).distinct().count() / qs.count()  # noqa: E731
    assert share(high) > share(low)
    kinds = set(Support.objects.values_list("kind", flat=True))
    assert {"scholarship", "bicycle", "books", "cash"} <= kinds
    assert Support.objects.filter(giver__startswith="Hội Khuyến học huyện").exists()
    for support in Support.objects.select_related("student")[::40]:
        support.full_clean()
        assert support.recorded_by_id is not None


def test_it_leaves_the_same_data_when_run_again(demo, fast_hasher):
    before = snapshot()
    supports_before = supports_snapshot()
    out = StringIO()
    call_command("seed_demo", "--students", STUDENTS, "--seed", SEED, stdout=out)
    assert "giữ nguyên" in out.getvalue()
    assert snapshot() == before
    assert supports_snapshot() == supports_before
    assert get_user_model().objects.filter(username__in=["quantri", "truong_giolinh"]).count() == 2

    demo_seed(students=STUDENTS, seed=SEED, force=True, log=lambda message: None)
    assert snapshot() == before  # regenerated row for row
    assert supports_snapshot() == supports_before


def test_it_adds_support_to_a_demo_seeded_before_it_had_any(demo, fast_hasher):
    before = supports_snapshot()
    Support.objects.all().delete()
    out = StringIO()
    call_command("seed_demo", "--students", STUDENTS, "--seed", SEED, stdout=out)
    assert "giữ nguyên" not in out.getvalue()
    assert "hỗ trợ đã nhận" in out.getvalue()
    assert [row[1:] for row in supports_snapshot()] == [row[1:] for row in before]


def schema() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
              FROM pg_constraint WHERE conrelid::regclass::text LIKE 'students_%%'
             UNION ALL
            SELECT tablename, indexname, indexdef FROM pg_indexes
             WHERE tablename LIKE 'students_%%' ORDER BY 1, 2, 3
            """
        )
        return cursor.fetchall()


def test_it_replaces_the_demo_for_other_arguments(demo, fast_hasher):
    before = schema()
    # The bulk path (indexes and constraints set aside, then rebuilt) on a small demo.
    result = demo_seed(students=300, seed=SEED + 1, bulk=True, log=lambda message: None)
    assert schema() == before
    assert not result.skipped
    assert Student.objects.count() == 300
    assert not Student.objects.filter(circumstances__isnull=True).exists()
    assert Student.objects.order_by("id").first().id == 1
