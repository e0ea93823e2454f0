import io

import pytest
from django.urls import reverse

from students.models import Student
from tests.factories import (
    CircumstanceFactory,
    GuardianFactory,
    SchoolFactory,
    StudentFactory,
    area_add,
)

pytestmark = pytest.mark.django_db

URL = reverse("students:list")


def names(response) -> list[str]:
    return [s.full_name for s in response.context["students"]]


PLANS = ["ids-first", "broad-by-estimate", "broad-by-count"]


def _plan(monkeypatch, plan: str) -> bool:
    """Force the search's plan (in a test database of a few rows PostgreSQL would rightly
    walk the whole table); whether it is then broad (tested row by row)."""
    from students.list import selectors

    if plan == "ids-first":
        monkeypatch.setattr(selectors, "SEARCH_WALK_MAX", 0)
    if plan == "broad-by-estimate":  # a walk along the sort order finds a page soon
        monkeypatch.setattr(selectors, "SEARCH_WALK_MAX", 10**12)
    if plan == "broad-by-count":  # estimated rare, but more than SEARCH_IDS_MAX match
        monkeypatch.setattr(selectors, "SEARCH_IDS_MAX", 0)
        monkeypatch.setattr(selectors, "_estimates", lambda *querysets: [0, 0, 1, 10**9])
    return plan != "ids-first"


def test_it_redirects_anonymous_visitors_to_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("part", ["whole", "small"])
def test_it_shows_district_staff_only_their_district(
    client, world, district_staff_dh, monkeypatch, part
):
    from students.list import filters

    # Dong Ha's one school of two: as a whole province, or as a small part (its schools
    # then also tested on each row).
    monkeypatch.setattr(filters, "SMALL_PART", 0 if part == "whole" else 10)
    client.force_login(district_staff_dh)
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Nguyễn Văn An"]
    body = response.content.decode()
    assert "Trần Thị Đào" not in body
    assert "Gio Mỹ" not in body
    assert "Gio Linh" not in body


def test_it_offers_only_scoped_areas_and_schools_as_filter_choices(
    client, world, district_staff_dh
):
    client.force_login(district_staff_dh)
    form = client.get(URL).context["filter"].form
    assert set(form.fields["area"].queryset) == {world.dong_ha, world.phuong_1}
    assert list(form.fields["school"].queryset) == [world.school_dh]


def test_it_ignores_a_school_outside_the_scope_given_in_the_url(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.get(URL, {"school": world.school_gl.pk})
    assert "Trần Thị Đào" not in names(response)
    response = client.get(URL, {"area": world.gio_linh.pk})
    assert "Trần Thị Đào" not in names(response)


def test_it_shows_school_staff_only_their_school(client, world, school_staff_gl):
    client.force_login(school_staff_gl)
    response = client.get(URL)
    assert names(response) == ["Trần Thị Đào"]
    assert list(response.context["filter"].form.fields["school"].queryset) == [world.school_gl]


@pytest.mark.parametrize("text", ["nguyen van an", "NGUYEN VAN AN", "Nguyễn Văn An", "van an"])
def test_it_finds_a_name_without_diacritics(client, world, provincial_staff, text):
    client.force_login(provincial_staff)
    assert names(client.get(URL, {"q": text})) == ["Nguyễn Văn An"]


def test_it_finds_dao_with_plain_d(client, world, provincial_staff):
    client.force_login(provincial_staff)
    assert names(client.get(URL, {"q": "dao"})) == ["Trần Thị Đào"]


def test_it_never_finds_a_student_outside_the_scope(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    assert names(client.get(URL, {"q": "dao"})) == []
    assert names(client.get(URL, {"q": "tran thi"})) == []


def test_it_finds_by_personal_id_and_guardian_name(client, world, provincial_staff):
    world.student_gl.personal_id = "045212000123"
    world.student_gl.save()
    GuardianFactory(student=world.student_dh, full_name="Lê Thị Hường")
    client.force_login(provincial_staff)
    assert names(client.get(URL, {"q": "045212"})) == ["Trần Thị Đào"]
    assert names(client.get(URL, {"q": "le thi huong"})) == ["Nguyễn Văn An"]


def test_it_filters_by_area_school_kind_grade_gender_and_verified(client, world, provincial_staff):
    from django.utils import timezone

    CircumstanceFactory(student=world.student_gl, kind="orphan", orphan_label="father")
    world.student_dh.verified_at = timezone.now()
    world.student_dh.save()
    client.force_login(provincial_staff)
    assert names(client.get(URL, {"area": world.gio_linh.pk})) == ["Trần Thị Đào"]
    assert names(client.get(URL, {"area": world.phuong_1.pk})) == ["Nguyễn Văn An"]
    assert names(client.get(URL, {"school": world.school_dh.pk})) == ["Nguyễn Văn An"]
    assert names(client.get(URL, {"kind": "orphan"})) == ["Trần Thị Đào"]
    assert names(client.get(URL, {"grade": 7})) == ["Nguyễn Văn An"]
    assert names(client.get(URL, {"gender": "female"})) == ["Trần Thị Đào"]
    assert names(client.get(URL, {"verified": "co"})) == ["Nguyễn Văn An"]
    assert names(client.get(URL, {"verified": "chua"})) == ["Trần Thị Đào"]
    assert names(client.get(URL, {"status": "dropped_out"})) == []


def test_it_sorts_by_the_chosen_column(client, world, provincial_staff):
    world.student_gl.need_score = 9
    world.student_gl.save()
    client.force_login(provincial_staff)
    assert names(client.get(URL)) == ["Nguyễn Văn An", "Trần Thị Đào"]
    assert names(client.get(URL, {"o": "-ten"})) == ["Trần Thị Đào", "Nguyễn Văn An"]
    assert names(client.get(URL, {"o": "-diem"})) == ["Trần Thị Đào", "Nguyễn Văn An"]
    assert names(client.get(URL, {"o": "lop"})) == ["Nguyễn Văn An", "Trần Thị Đào"]
    assert names(client.get(URL, {"o": "truong"})) == ["Trần Thị Đào", "Nguyễn Văn An"]


def test_it_sorts_names_by_given_name_first(client, world, provincial_staff):
    StudentFactory(full_name="Lê Văn Bình", school=world.school_dh)
    StudentFactory(full_name="Trần Văn Anh", school=world.school_dh)
    client.force_login(provincial_staff)
    expected = ["Nguyễn Văn An", "Trần Văn Anh", "Lê Văn Bình", "Trần Thị Đào"]
    assert names(client.get(URL)) == expected
    assert names(client.get(URL, {"o": "-ten"})) == expected[::-1]


def test_it_paginates_with_the_total_count(client, world, provincial_staff, settings):
    settings.STUDENT_PAGE_SIZE = 2
    StudentFactory.create_batch(3, school=world.school_dh)
    client.force_login(provincial_staff)
    response = client.get(URL, {"page": 2})
    page = response.context["page"]
    assert page.count == 5
    assert page.count_is_exact
    assert page.num_pages == 3
    assert page.number == 2
    assert len(page.rows) == 2
    assert "5 học sinh" in response.content.decode()


def _many(schools, count: int) -> None:
    for i in range(count):
        student = StudentFactory(school=schools[i % len(schools)])
        CircumstanceFactory(student=student)
        GuardianFactory(student=student)


def _queries_for_list(client, django_assert_max_num_queries, user) -> int:
    client.force_login(user)
    with django_assert_max_num_queries(25) as captured:
        response = client.get(URL, {"q": "nguyen", "o": "-diem"})
    assert response.status_code == 200
    return len(captured.captured_queries), len(response.context["students"])


@pytest.mark.parametrize("plan", PLANS)
def test_it_uses_a_constant_number_of_queries(
    client, world, district_staff_dh, django_assert_max_num_queries, monkeypatch, plan
):
    _plan(monkeypatch, plan)
    schools = [world.school_dh, SchoolFactory(commune=world.phuong_1)]
    _many(schools, 4)
    few, shown = _queries_for_list(client, django_assert_max_num_queries, district_staff_dh)
    assert shown == 5
    _many(schools, 25)
    many, shown = _queries_for_list(client, django_assert_max_num_queries, district_staff_dh)
    assert shown == 30
    assert few == many


def test_it_returns_only_the_results_to_htmx(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.get(URL, {"q": "an"}, headers={"HX-Request": "true", "HX-Target": "ket-qua"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'name="q"' not in body
    assert "Nguyễn Văn An" in body
    assert "HX-Request" in response["Vary"]


def test_it_returns_the_full_page_on_an_htmx_history_restore(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.get(
        URL,
        headers={
            "HX-Request": "true",
            "HX-Target": "ket-qua",
            "HX-History-Restore-Request": "true",
        },
    )
    assert "<html" in response.content.decode()


def test_it_shows_no_add_button_to_the_leader(client, world, leader):
    client.force_login(leader)
    body = client.get(URL).content.decode()
    assert reverse("students:create") not in body


# --- filters added for the registry at scale, guardian phone search, export ------------


def test_it_filters_by_level_disability_ethnicity_and_academic_result(
    client, world, district_staff_dh
):
    from students.models import AcademicResult, Ethnicity

    a = StudentFactory(school=world.school_dh, full_name="Lê Thị Mơ")
    b = StudentFactory(school=world.school_dh, full_name="Lê Văn Hải")
    CircumstanceFactory(
        student=a, kind="disability", disability_type="mobility", disability_level="severe"
    )
    van_kieu = Ethnicity.objects.exclude(code="01").first()
    Student.objects.filter(pk=b.pk).update(ethnicity=van_kieu)
    AcademicResult.objects.create(student=a, school_year=2025, academic_result="Giỏi")
    AcademicResult.objects.create(student=b, school_year=2024, academic_result="Giỏi")
    client.force_login(district_staff_dh)

    def names(**params):
        response = client.get(reverse("students:list"), params)
        return {s.full_name for s in response.context["students"]}

    assert names(disability_level="severe") == {"Lê Thị Mơ"}
    assert names(ethnicity=van_kieu.pk) == {"Lê Văn Hải"}
    assert names(academic_result="Giỏi") == {"Lê Thị Mơ", "Lê Văn Hải"}
    assert names(academic_result="Giỏi", result_year=2025) == {"Lê Thị Mơ"}
    assert "Lê Thị Mơ" in names(school_level=world.school_dh.level)
    other = "primary" if world.school_dh.level != "primary" else "upper_secondary"
    assert names(school_level=other) == set()


def test_it_finds_a_student_by_a_guardian_phone_typed_without_its_zero(
    client, world, district_staff_dh
):
    student = StudentFactory(school=world.school_dh, full_name="Trần Văn Bảo")
    GuardianFactory(student=student, phone="0912000111")
    client.force_login(district_staff_dh)
    for text in ("0912000111", "912000111"):
        response = client.get(reverse("students:list"), {"q": text})
        assert [s.full_name for s in response.context["students"]] == ["Trần Văn Bảo"], text


def test_it_exports_the_filtered_selection_for_its_owner_only(
    client, world, district_staff_dh, django_user_model, django_capture_on_commit_callbacks
):
    import openpyxl

    from khuyenhoc.models import Job, PersonalDataAccess

    StudentFactory(school=world.school_dh, full_name="Nguyễn Thị Xuân")
    client.force_login(district_staff_dh)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("students:export"), {"query": "q=xuan"})
    job = Job.objects.get(owner=district_staff_dh, kind="student_export")
    assert response.status_code == 302
    assert job.state == Job.State.DONE, job.error
    url = job.result["url"]
    download = client.get(url)
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    cells = [c for ws in workbook for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "Nguyễn Thị Xuân" in cells
    assert "Trần Thị Đào" not in cells  # Gio Linh: outside the scope
    assert job.result["rows"] == 1
    assert (
        PersonalDataAccess.objects.filter(user=district_staff_dh, action="list_exported").count()
        == 1
    )
    outsider = django_user_model.objects.create_user("ngoai", password="x")
    client.force_login(outsider)
    assert client.get(url).status_code == 404


# --- the list at scale: search paths, capped count, tree, in-force circumstances -------


@pytest.fixture
def searchable(world):
    student = StudentFactory(
        school=world.school_dh,
        full_name="Hồ Thị Ngọc Ánh",
        personal_id="045212000999",
        moet_code="4512345678",
    )
    GuardianFactory(student=student, full_name="Đặng Văn Lực", phone="0987654321")
    return student


SEARCHES = [
    "ho thi ngoc anh",  # name without diacritics
    "NGOC ANH",
    "045212000999",  # personal ID
    "45212000999",  # personal ID that lost its leading 0 in a spreadsheet
    "0452120",  # personal ID prefix
    "4512345678",  # MOET code
    "dang van luc",  # guardian's name
    "van luc",
    "0987654321",  # guardian's phone
    "987654321",  # ... without its 0
    "0987 654 321",
    "+84 987 654 321",
]


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("text", SEARCHES)
def test_it_finds_a_student_by_each_search_field(
    client, world, district_staff_dh, searchable, monkeypatch, text, plan
):
    broad = _plan(monkeypatch, plan)
    client.force_login(district_staff_dh)
    response = client.get(URL, {"q": text})
    assert names(response) == ["Hồ Thị Ngọc Ánh"]
    assert response.context["filter"].search_is_broad is broad


@pytest.mark.parametrize("plan", PLANS)
def test_it_never_finds_by_guardian_or_phone_outside_the_scope(
    client, world, district_staff_gl, searchable, monkeypatch, plan
):
    _plan(monkeypatch, plan)
    client.force_login(district_staff_gl)
    for text in ("dang van luc", "987654321", "045212000999", "ngoc anh"):
        assert names(client.get(URL, {"q": text})) == [], text


@pytest.mark.parametrize("plan", PLANS)
def test_it_shows_an_outsider_nothing_whatever_the_search(
    client, world, outsider, searchable, monkeypatch, plan
):
    _plan(monkeypatch, plan)
    client.force_login(outsider)
    for params in ({}, {"q": "ngoc anh"}, {"q": "tran", "kind": "orphan"}, {"q": "0987654321"}):
        response = client.get(URL, params)
        assert response.status_code == 200
        assert names(response) == [], params


@pytest.mark.parametrize("part", ["whole", "whole, looked up per row", "small"])
@pytest.mark.parametrize("plan", PLANS)
def test_it_combines_a_search_with_the_scope_and_circumstances_in_force(
    client, world, district_staff_dh, monkeypatch, plan, part
):
    """A broad term is tested only on the students every other filter kept (the user's
    schools, the circumstance in force, the level), in a small part of the province
    after the filters were tested on its students' ids; for a whole province against
    the set of the filter's student ids, or (a filter naming many students) by a
    look-up per row: the same students every way."""
    import datetime as dt

    from students.list import filters

    # Dong Ha is one of the two schools: as a whole province, or as a small part.
    monkeypatch.setattr(filters, "SMALL_PART", 10 if part == "small" else 0)
    if part == "whole, looked up per row":
        monkeypatch.setattr(filters, "HASHED_IDS_MAX", -1)

    def severe(student, **extra):
        CircumstanceFactory(
            student=student,
            kind="disability",
            disability_type="mobility",
            disability_level="severe",
            **extra,
        )

    by_guardian = StudentFactory(school=world.school_dh, full_name="Lê Thị Mai")
    GuardianFactory(student=by_guardian, full_name="Trần Văn Tâm")
    severe(by_guardian)
    by_name = StudentFactory(school=world.school_dh, full_name="Trần Văn Cường")
    severe(by_name)
    CircumstanceFactory(student=by_name, kind="poor", household_year=dt.date.today().year)
    StudentFactory(school=world.school_dh, full_name="Trần Thị Na")  # no disability
    ended = StudentFactory(school=world.school_dh, full_name="Trần Văn Bình")
    severe(ended, ended_on=dt.date(2020, 1, 1))
    mild = StudentFactory(school=world.school_dh, full_name="Trần Văn Dũng")
    CircumstanceFactory(
        student=mild, kind="disability", disability_type="mobility", disability_level="mild"
    )
    outside = StudentFactory(school=world.school_gl, full_name="Trần Văn Ân")  # Gio Linh
    severe(outside)
    broad = _plan(monkeypatch, plan)
    client.force_login(district_staff_dh)

    def found(**params):
        response = client.get(URL, {"q": "tran", **params})
        assert response.context["filter"].search_is_broad is broad
        return set(names(response))

    assert found(disability_level="severe") == {"Lê Thị Mai", "Trần Văn Cường"}
    assert found(kind="disability", disability_level="severe") == {"Lê Thị Mai", "Trần Văn Cường"}
    assert found(kind="poor", disability_level="severe") == {"Trần Văn Cường"}
    assert found(kind="disability") == {"Lê Thị Mai", "Trần Văn Cường", "Trần Văn Dũng"}
    assert found(kind="orphan") == set()
    assert found() == {
        "Lê Thị Mai",
        "Trần Văn Cường",
        "Trần Thị Na",
        "Trần Văn Bình",
        "Trần Văn Dũng",
    }


def test_it_caps_the_count_and_counts_exactly_on_demand(
    client, world, provincial_staff, settings, monkeypatch
):
    from students.list import selectors

    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", 3)
    # PostgreSQL expects more rows than an exact count may read (a province).
    monkeypatch.setattr(selectors, "LIST_COUNT_EXACT_MAX", 0)
    settings.STUDENT_PAGE_SIZE = 2
    StudentFactory.create_batch(4, school=world.school_dh)
    client.force_login(provincial_staff)
    response = client.get(URL)
    page = response.context["page"]
    assert (page.count, page.count_is_exact, page.num_pages, page.has_next) == (
        3,
        False,
        None,
        True,
    )
    body = response.content.decode()
    assert "Hơn 3 học sinh" in body
    exact = client.get(URL, {"dem": "1"}, headers={"HX-Request": "true"})
    assert exact.content.decode().strip().endswith("6 học sinh</span>")
    last = client.get(URL, {"page": 3})
    assert last.context["page"].count_is_exact
    assert last.context["page"].count == 6


def test_it_offers_only_the_areas_with_a_school(client, world, provincial_staff):
    world.gio_linh.refresh_from_db()
    empty = area_add(parent=world.gio_linh, code="19511", name="Xã Gio Hải", kind="commune")
    client.force_login(provincial_staff)
    offered = set(client.get(URL).context["filter"].form.fields["area"].queryset)
    assert offered == {
        world.province,
        world.dong_ha,
        world.phuong_1,
        world.gio_linh,
        world.gio_my,
    }
    assert empty not in offered


def test_it_offers_the_area_tree_from_the_province_down(client, world, provincial_staff):
    client.force_login(provincial_staff)
    field = client.get(URL).context["filter"].form.fields["area"]
    labels = [label for _value, label in field.choices][1:]
    assert labels[0] == "Tỉnh Quảng Trị"
    assert labels[1].strip().endswith("— Thành phố Đông Hà")
    assert labels[2].startswith("\u00a0" * 6) and labels[2].endswith("— Phường 1")


def test_it_filters_by_circumstances_in_force_only(client, world, provincial_staff):
    import datetime as dt

    CircumstanceFactory(
        student=world.student_dh, kind="orphan", orphan_label="father", ended_on=dt.date(2020, 1, 1)
    )
    CircumstanceFactory(student=world.student_gl, kind="orphan", orphan_label="mother")
    client.force_login(provincial_staff)
    assert names(client.get(URL, {"kind": "orphan"})) == ["Trần Thị Đào"]


def test_it_filters_by_the_school_year_of_a_result_alone(client, world, provincial_staff):
    from students.models import AcademicResult

    AcademicResult.objects.create(student=world.student_gl, school_year=2025, academic_result="Khá")
    client.force_login(provincial_staff)
    assert names(client.get(URL, {"result_year": 2025})) == ["Trần Thị Đào"]
    assert names(client.get(URL, {"result_year": 2024})) == []


def test_it_combines_area_school_and_level_into_the_users_own_schools(
    client, world, provincial_staff, district_staff_dh
):
    primary = SchoolFactory(commune=world.gio_my, level="primary", grade_min=1, grade_max=5)
    StudentFactory(school=primary, full_name="Lê Văn Tí")
    client.force_login(provincial_staff)
    assert names(client.get(URL, {"area": world.gio_linh.pk, "school_level": "primary"})) == [
        "Lê Văn Tí"
    ]
    assert names(client.get(URL, {"area": world.dong_ha.pk, "school_level": "primary"})) == []
    client.force_login(district_staff_dh)
    assert names(client.get(URL, {"school_level": "primary"})) == []


@pytest.mark.parametrize("plan", PLANS)
def test_it_keeps_the_number_of_queries_whatever_the_rows(
    client, world, district_staff_dh, django_assert_num_queries, settings, monkeypatch, plan
):
    """An exact number of queries for a searched, filtered, sorted page: session, user,
    roles and scope, the search's estimates and ids, the schools of the filters, the
    rows, their circumstances, the capped count (not for a broad term), the filter
    form's choices."""
    from students.list import selectors

    broad = _plan(monkeypatch, plan)
    # A province-sized scope: a broad search is not counted.
    monkeypatch.setattr(selectors, "LIST_COUNT_EXACT_MAX", 0)
    settings.STUDENT_PAGE_SIZE = 2
    schools = [world.school_dh, SchoolFactory(commune=world.phuong_1)]
    params = {"q": "nguyen", "kind": "poor", "school_level": "lower_secondary", "o": "-diem"}
    client.force_login(district_staff_dh)
    _many(schools, 3)
    client.get(URL, params)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(URL, params)
    _many(schools, 40)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL, params)
    assert len(response.context["students"]) == 2
    page = response.context["page"]
    assert (page.count, page.count_is_exact) == ((2, False) if broad else (43, True))


def test_it_filters_by_support_this_school_year(client, world, provincial_staff):
    import datetime as dt

    from students.status.rollover import current_school_year
    from tests.factories import SupportFactory

    year = current_school_year()
    lan = StudentFactory(full_name="Lê Thị Lan", school=world.school_dh)
    SupportFactory(student=world.student_gl)
    # Last year's support does not count for this year.
    SupportFactory(student=lan, school_year=year - 1, received_on=dt.date(year - 1, 10, 1))
    client.force_login(provincial_staff)
    response = client.get(URL, {"supported": "co"})
    assert names(response) == ["Trần Thị Đào"]
    assert names(client.get(URL, {"supported": "chua"})) == ["Nguyễn Văn An", "Lê Thị Lan"]
    assert len(names(client.get(URL))) == 3
    label = f"Hỗ trợ năm học này ({year}-{year + 1})"
    assert label in response.content.decode()
    assert "Đã được hỗ trợ" in response.content.decode()


@pytest.mark.parametrize("hashed_max", [50_000, -1])
def test_a_broad_search_tests_support_against_the_ids_or_per_row_alike(
    client, world, provincial_staff, monkeypatch, hashed_max
):
    """Supported or not this year, with a broad term: the set of supported students'
    ids (few) or a look-up per row (many) give the same students."""
    from students.list import filters, selectors
    from tests.factories import SupportFactory

    monkeypatch.setattr(selectors, "SEARCH_WALK_MAX", 10**12)  # broad
    monkeypatch.setattr(filters, "HASHED_IDS_MAX", hashed_max)
    tran = StudentFactory(full_name="Trần Văn Tâm", school=world.school_dh)
    SupportFactory(student=tran)
    StudentFactory(full_name="Trần Văn Cường", school=world.school_gl)
    client.force_login(provincial_staff)
    supported = client.get(URL, {"q": "tran", "supported": "co"})
    assert supported.context["filter"].search_is_broad
    assert names(supported) == ["Trần Văn Tâm"]
    # (Trần Thị Đào of the fixture, not supported, answers "tran" too.)
    assert set(names(client.get(URL, {"q": "tran", "supported": "chua"}))) == {
        "Trần Văn Cường",
        "Trần Thị Đào",
    }


def test_it_filters_by_support_within_the_scope_only(client, world, district_staff_dh):
    from tests.factories import SupportFactory

    SupportFactory(student=world.student_gl)
    client.force_login(district_staff_dh)
    assert names(client.get(URL, {"supported": "co"})) == []
    assert names(client.get(URL, {"supported": "chua"})) == ["Nguyễn Văn An"]


def test_it_keeps_the_number_of_queries_with_the_support_filter(
    client, world, district_staff_dh, django_assert_num_queries, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import SupportFactory

    settings.STUDENT_PAGE_SIZE = 2
    schools = [world.school_dh, SchoolFactory(commune=world.phuong_1)]
    params = {"supported": "co", "kind": "poor", "o": "-diem"}
    client.force_login(district_staff_dh)
    _many(schools, 3)
    for student in Student.objects.all():
        SupportFactory(student=student)
    client.get(URL, params)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, params)
    _many(schools, 40)
    for student in Student.objects.filter(supports__isnull=True):
        SupportFactory(student=student)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL, params)
    assert len(response.context["students"]) == 2
    assert response.context["page"].count == 43


# --- a search by ids reads the guardians' matches on a connection of its own ----------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_reads_the_guardians_matches_beside_outside_a_transaction(
    client,
    world,
    district_staff_dh,
    district_staff_gl,
    searchable,
    monkeypatch,
    settings,
):
    from students.list import selectors

    _plan(monkeypatch, "ids-first")
    beside = []
    read = selectors._ids_beside
    monkeypatch.setattr(selectors, "_ids_beside", lambda qs: beside.append(1) or read(qs))
    settings.STUDENT_PAGE_SIZE = 1
    namesake = StudentFactory(school=world.school_dh, full_name="Đặng Văn Lực")
    GuardianFactory(student=namesake, full_name="Hồ Văn Bình")
    client.force_login(district_staff_dh)
    response = client.get(URL, {"q": "dang van luc"})
    page = response.context["page"]
    # One student by name, one by a guardian's name, counted by the page's own query.
    assert page.count == 2 and page.count_is_exact and page.has_next
    assert names(response) == ["Hồ Thị Ngọc Ánh"]
    assert names(client.get(URL, {"q": "dang van luc", "page": 2})) == ["Đặng Văn Lực"]
    client.force_login(district_staff_gl)
    assert names(client.get(URL, {"q": "dang van luc"})) == []
    assert len(beside) == 3


@pytest.mark.parametrize("plan", PLANS)
def test_it_says_which_guardian_a_row_was_found_by(
    client, world, district_staff_dh, searchable, monkeypatch, plan
):
    _plan(monkeypatch, plan)
    client.force_login(district_staff_dh)
    by_name = client.get(URL, {"q": "dang van luc"})
    assert [s.matched_guardian for s in by_name.context["students"]] == ["Đặng Văn Lực"]
    assert "Khớp theo phụ huynh: Đặng Văn Lực" in by_name.content.decode()
    by_phone = client.get(URL, {"q": "987654321"})
    assert by_phone.context["students"][0].matched_guardian == "Đặng Văn Lực (0987654321)"
    own_name = client.get(URL, {"q": "ngoc anh"})
    assert own_name.context["students"][0].matched_guardian == ""
    assert "Khớp theo phụ huynh" not in own_name.content.decode()


def test_it_shows_each_row_escaped_with_its_link_labels_and_badges(client, world, provincial_staff):
    import datetime as dt

    moved = StudentFactory(
        school=world.school_dh,
        full_name="Lê <b>Văn</b> & Tâm",
        birth_date=None,
        birth_year=2013,
        class_name="",
        grade=7,
        status="transferred",
        verified_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
    )
    CircumstanceFactory(student=moved, kind="orphan", orphan_label="Mồ côi cha")
    client.force_login(provincial_staff)
    html = client.get(URL).content.decode()
    row = html[html.index(f'href="/hoc-sinh/{moved.pk}/"') :].split("</tr>")[0]
    assert "Lê &lt;b&gt;Văn&lt;/b&gt; &amp; Tâm</a>" in row
    assert '<span class="badge badge-warn">Đã chuyển trường</span>' in row
    assert "<div>2013</div>" in row and "<div>7</div>" in row
    assert '<span class="badge">Mồ côi</span>' in row
    assert '<span class="badge badge-ok">Đã xác minh</span>' in row
    assert 'data-label="Họ và tên" class="cell-name"' in html
    # A row without circumstances, not verified: flagged, and "Chưa".
    plain = html[html.index(f'href="/hoc-sinh/{world.student_dh.pk}/"') :].split("</tr>")[0]
    assert '<span class="badge badge-warn">Chưa thuộc diện nào</span>' in plain
    assert '<span class="muted">Chưa</span>' in plain


def test_it_counts_a_small_selection_exactly_past_the_cap(
    client, world, district_staff_dh, settings, monkeypatch
):
    # A district of 3,000 is not "Hơn 2.000": past the cap, a selection PostgreSQL
    # expects to be small is counted exactly (one EXPLAIN, one more count).
    from students.list import selectors

    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", 3)
    settings.STUDENT_PAGE_SIZE = 2
    StudentFactory.create_batch(6, school=world.school_dh)
    client.force_login(district_staff_dh)
    response = client.get(URL)
    page = response.context["page"]
    assert (page.count, page.count_is_exact, page.num_pages) == (7, True, 4)
    assert "7 học sinh" in response.content.decode()
    assert "Hơn" not in response.content.decode()


def test_it_says_more_than_when_the_small_selection_was_not(
    client, world, district_staff_dh, settings, monkeypatch
):
    # The estimate was wrong: the count still stops at LIST_COUNT_EXACT_MAX.
    from students.list import selectors

    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", 2)
    monkeypatch.setattr(selectors, "LIST_COUNT_EXACT_MAX", 4)
    settings.STUDENT_PAGE_SIZE = 2
    StudentFactory.create_batch(6, school=world.school_dh)
    client.force_login(district_staff_dh)
    page = client.get(URL).context["page"]
    assert (page.count, page.count_is_exact) == (4, False)


@pytest.mark.parametrize("number", ["99999999999999999999", "10000001", "-5", "x", "1e3"])
def test_it_shows_the_first_page_for_a_page_number_past_any_list(
    client, world, district_staff_dh, number
):
    client.force_login(district_staff_dh)
    response = client.get(URL, {"page": number})
    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert world.student_dh.full_name in response.content.decode()


@pytest.mark.parametrize("plan", ["broad-by-estimate", "broad-by-count"])
def test_it_counts_a_broad_search_in_a_small_scope(
    client, world, district_staff_dh, settings, monkeypatch, plan
):
    # Tested row by row, a broad search is still cheap to count in a district of a few
    # thousand students: "12 học sinh", not "Hơn 2".
    assert _plan(monkeypatch, plan)
    settings.STUDENT_PAGE_SIZE = 2
    for i in range(11):
        StudentFactory(full_name=f"Nguyễn Thị Hoa {chr(65 + i)}", school=world.school_dh)
    StudentFactory(full_name="Lê Văn Tám", school=world.school_dh)
    client.force_login(district_staff_dh)
    page = client.get(URL, {"q": "nguyen"}).context["page"]
    assert (page.count, page.count_is_exact) == (12, True)  # with the world's Nguyễn Văn An
