import pytest
from django.urls import reverse

from khuyenhoc.roles import Role
from students.models import Circumstance, Ethnicity, Guardian, Student, Support
from tests.factories import (
    CircumstanceFactory,
    GuardianFactory,
    StudentFactory,
    SupportFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

INLINE_PREFIXES = (
    "guardians",
    "circumstances",
    "academic_results",
    "supports",
    "status_changes",
)


@pytest.fixture
def staff_dh(district_staff_dh):
    district_staff_dh.is_staff = True
    district_staff_dh.save(update_fields=["is_staff"])
    return district_staff_dh


@pytest.fixture
def leader_staff(leader):
    leader.is_staff = True
    leader.save(update_fields=["is_staff"])
    return leader


@pytest.fixture
def superuser(world):
    return UserFactory(username="quantri", is_staff=True, is_superuser=True)


@pytest.fixture
def parts(world):
    """A guardian and a circumstance for each of the two students."""
    GuardianFactory(student=world.student_dh, full_name="Nguyễn Văn Bình")
    GuardianFactory(student=world.student_gl, full_name="Trần Văn Cường")
    CircumstanceFactory(student=world.student_dh, kind="orphan", orphan_label="father")
    CircumstanceFactory(student=world.student_gl, kind="other", description="Nhà bị lũ cuốn")
    SupportFactory(student=world.student_dh, giver="Công ty Điện lực Quảng Trị")
    SupportFactory(student=world.student_gl, giver="Viettel Quảng Trị")


def student_data(world, school, **extra) -> dict:
    data = {
        "full_name": "Lê Thị Hoa",
        "birth_date": "05/09/2013",
        "birth_year": "2013",
        "gender": "female",
        "ethnicity": Ethnicity.objects.get(code="01").pk,
        "school": school.pk,
        "grade": "7",
        "status": "studying",
    }
    for prefix in INLINE_PREFIXES:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | extra


def autocomplete(client, field, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "students", "model_name": "student", "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return {row["text"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "name, shown, hidden",
    [
        ("student", "Nguyễn Văn An", "Trần Thị Đào"),
        ("guardian", "Nguyễn Văn Bình", "Trần Văn Cường"),
        ("circumstance", "Mồ côi cha", "Nhà bị lũ cuốn"),
        ("support", "Công ty Điện lực Quảng Trị", "Viettel Quảng Trị"),
    ],
)
def test_it_lists_only_the_district_records(client, world, staff_dh, parts, name, shown, hidden):
    client.force_login(staff_dh)
    response = client.get(reverse(f"admin:students_{name}_changelist"))
    assert response.status_code == 200
    assert shown in response.text
    assert hidden not in response.text
    assert "Trường THCS Gio Mỹ" not in response.text


def test_it_lists_everything_for_a_superuser(client, world, superuser, parts):
    client.force_login(superuser)
    for name, texts in [
        ("student", ["Nguyễn Văn An", "Trần Thị Đào"]),
        ("guardian", ["Nguyễn Văn Bình", "Trần Văn Cường"]),
        ("circumstance", ["Mồ côi cha", "Nhà bị lũ cuốn"]),
    ]:
        response = client.get(reverse(f"admin:students_{name}_changelist"))
        for text in texts:
            assert text in response.text


def test_it_searches_without_accents(client, world, staff_dh):
    client.force_login(staff_dh)
    url = reverse("admin:students_student_changelist")
    for term in ("nguyen van an", "Nguyễn Văn An"):
        response = client.get(url, {"q": term})
        assert list(response.context["cl"].result_list) == [world.student_dh]
    assert list(client.get(url, {"q": "dao"}).context["cl"].result_list) == []


def test_it_does_not_open_a_student_of_another_district(client, world, staff_dh, parts):
    client.force_login(staff_dh)
    pk = world.student_gl.pk
    for view, status in (("change", 302), ("history", 302), ("delete", 403)):
        url = reverse(f"admin:students_student_{view}", args=[pk])
        response = client.get(url)
        assert response.status_code == status
        followed = client.get(url, follow=True)
        assert "Trần Thị Đào" not in followed.text
        assert "Trần Văn Cường" not in followed.text


def test_it_does_not_change_a_student_of_another_district(client, world, staff_dh):
    client.force_login(staff_dh)
    url = reverse("admin:students_student_change", args=[world.student_gl.pk])
    response = client.post(url, student_data(world, world.school_dh, full_name="Đã đổi"))
    assert response.status_code in (302, 404)
    world.student_gl.refresh_from_db()
    assert world.student_gl.full_name == "Trần Thị Đào"
    assert world.student_gl.school == world.school_gl


def test_it_offers_only_the_district_schools_on_the_add_form(client, world, staff_dh):
    client.force_login(staff_dh)
    response = client.get(reverse("admin:students_student_add"))
    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    assert list(fields["school"].queryset) == [world.school_dh]
    assert list(fields["commune"].queryset) == [world.phuong_1]
    assert autocomplete(client, "school") == {world.school_dh.name}
    assert autocomplete(client, "school", "gio") == set()
    assert autocomplete(client, "commune") == {world.phuong_1.name}


def test_it_refuses_a_school_of_another_district(client, world, staff_dh):
    client.force_login(staff_dh)
    response = client.post(
        reverse("admin:students_student_add"), student_data(world, world.school_gl)
    )
    assert response.status_code == 200
    assert "school" in response.context["adminform"].form.errors
    assert not Student.objects.filter(full_name="Lê Thị Hoa").exists()


def test_it_adds_a_student_with_a_circumstance(client, world, staff_dh):
    client.force_login(staff_dh)
    data = student_data(world, world.school_dh)
    data |= {
        "circumstances-TOTAL_FORMS": "1",
        "circumstances-0-kind": "orphan",
        "circumstances-0-orphan_label": "both",
    }
    response = client.post(reverse("admin:students_student_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    student = Student.objects.get(full_name="Lê Thị Hoa")
    assert student.search_key == "le thi hoa"
    assert student.need_score > 0
    assert student.circumstances.count() == 1


def test_it_lets_the_leader_read_but_not_change(client, world, leader_staff):
    world.student_gl.wishes = ["scholarship", "bicycle"]
    world.student_gl.save(update_fields=["wishes"])
    client.force_login(leader_staff)
    response = client.get(reverse("admin:students_student_changelist"))
    assert "Nguyễn Văn An" in response.text
    assert "Trần Thị Đào" in response.text

    url = reverse("admin:students_student_change", args=[world.student_gl.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Trần Thị Đào" in response.text
    assert not response.context["has_change_permission"]
    assert "Học bổng, Xe đạp" in response.text
    response = client.post(url, student_data(world, world.school_gl, full_name="Đã đổi"))
    assert response.status_code == 403
    world.student_gl.refresh_from_db()
    assert world.student_gl.full_name == "Trần Thị Đào"
    assert client.get(reverse("admin:students_student_add")).status_code == 403


def test_it_keeps_ethnicities_read_only_for_district_staff(client, world, staff_dh):
    client.force_login(staff_dh)
    kinh = Ethnicity.objects.get(code="01")
    url = reverse("admin:students_ethnicity_change", args=[kinh.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"code": "01", "name": "Đổi"}).status_code == 403
    assert client.get(reverse("admin:students_ethnicity_add")).status_code == 403


@pytest.mark.parametrize("name", ["student", "guardian", "circumstance"])
def test_it_lists_records_in_a_fixed_number_of_queries(
    client, world, staff_dh, django_assert_max_num_queries, name
):
    for student in StudentFactory.create_batch(15, school=world.school_dh):
        GuardianFactory(student=student)
        CircumstanceFactory(student=student)
    client.force_login(staff_dh)
    url = reverse(f"admin:students_{name}_changelist")
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert len(response.context["cl"].result_list) >= 15


@pytest.mark.parametrize("model", [Guardian, Circumstance, Support])
def test_it_does_not_open_a_part_of_another_district_record(client, world, staff_dh, parts, model):
    client.force_login(staff_dh)
    outside = model.objects.get(student=world.student_gl)
    url = reverse(f"admin:students_{model._meta.model_name}_change", args=[outside.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert "Trần" not in response.text
    assert "lũ cuốn" not in response.text
    assert "Viettel" not in response.text


def test_it_deletes_only_within_scope(client, world):
    # Provincial staff may delete records; this one is granted Đông Hà only.
    staff = user_with_role(Role.PROVINCIAL_STAFF, area=world.dong_ha, is_staff=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:students_student_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [world.student_dh.pk, world.student_gl.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert list(Student.objects.all()) == [world.student_gl]


def test_it_dates_a_status_change_made_in_the_admin(client, world, staff_dh):
    client.force_login(staff_dh)
    url = reverse("admin:students_student_change", args=[world.student_dh.pk])
    data = student_data(world, world.school_dh, full_name="Nguyễn  Văn An", grade="7")
    data |= {"birth_date": "05/09/2012", "birth_year": "2012", "gender": "male"}
    response = client.post(url, data | {"status": "dropped_out"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.student_dh.refresh_from_db()
    assert world.student_dh.status == "dropped_out"
    assert world.student_dh.full_name == "Nguyễn Văn An"
    change = world.student_dh.status_changes.get()
    assert (change.status, change.recorded_by) == ("dropped_out", staff_dh)


def test_it_records_support_in_the_admin_with_who_recorded_it(client, world, staff_dh):
    from students.status.rollover import current_school_year
    from tests.factories import this_school_year_day

    client.force_login(staff_dh)
    url = reverse("admin:students_student_change", args=[world.student_dh.pk])
    data = student_data(world, world.school_dh, full_name="Nguyễn Văn An", grade="7")
    data |= {"birth_date": "05/09/2012", "birth_year": "2012", "gender": "male"}
    data |= {
        "supports-TOTAL_FORMS": "1",
        "supports-0-school_year": str(current_school_year()),
        "supports-0-received_on": this_school_year_day().strftime("%d/%m/%Y"),
        "supports-0-giver": "Hội Khuyến học thành phố Đông Hà",
        "supports-0-kind": "bicycle",
        "supports-0-description": "Xe đạp",
        "supports-0-quantity": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    support = Support.objects.get(student=world.student_dh)
    assert (support.kind, support.recorded_by, support.amount_vnd) == ("bicycle", staff_dh, None)


def test_it_refuses_a_scholarship_without_an_amount_in_the_admin(client, world, staff_dh):
    client.force_login(staff_dh)
    response = client.post(
        reverse("admin:students_support_add"),
        {
            "student": world.student_dh.pk,
            "school_year": "2025",
            "received_on": "05/10/2025",
            "giver": "Hội Khuyến học tỉnh Quảng Trị",
            "kind": "scholarship",
        },
    )
    assert response.status_code == 200
    assert "Nhập số tiền của học bổng" in response.text
    assert not Support.objects.exists()


def test_it_offers_only_students_in_scope_for_a_support(client, world, staff_dh, leader_staff):
    client.force_login(staff_dh)
    response = client.get(reverse("admin:students_support_add"))
    assert list(response.context["adminform"].form.fields["student"].queryset) == [world.student_dh]
    client.force_login(leader_staff)
    assert client.get(reverse("admin:students_support_add")).status_code == 403


def test_it_finds_a_support_giver_without_diacritics(client, world, superuser, parts):
    client.force_login(superuser)
    response = client.get(reverse("admin:students_support_changelist"), {"q": "dien luc"})
    givers = [s.giver for s in response.context["cl"].result_list]
    assert givers == ["Công ty Điện lực Quảng Trị"]


def test_it_finds_an_ethnicity_without_diacritics(client, world, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:students_ethnicity_changelist"), {"q": "van kieu"})
    assert [e.name for e in response.context["cl"].result_list] == ["Bru - Vân Kiều"]


@pytest.mark.parametrize("year", ["99999999999999999999", "99999", "-1", "abc"])
def test_it_answers_a_date_filter_no_date_can_have(client, world, superuser, parts, year):
    client.force_login(superuser)
    url = reverse("admin:students_support_changelist")
    response = client.get(url, {"received_on__year": year}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain and "e=1" in response.redirect_chain[0][0]


def test_it_shows_who_recorded_a_support_by_name(client, world, superuser, parts):
    recorder = UserFactory(username="truong_gl", last_name="Võ Thị Thu", first_name="Hà")
    support = Support.objects.get(student=world.student_dh)
    support.recorded_by = recorder
    support.save(update_fields=["recorded_by"])
    client.force_login(superuser)
    response = client.get(reverse("admin:students_support_change", args=[support.pk]))
    assert "Võ Thị Thu Hà" in response.text
    assert "Hà Võ Thị Thu" not in response.text
    response = client.get(reverse("admin:students_student_change", args=[world.student_dh.pk]))
    assert "Võ Thị Thu Hà" in response.text
