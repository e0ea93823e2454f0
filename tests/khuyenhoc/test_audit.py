"""The log of who viewed or exported personal data: one row per look or download, with
the person, what and how many; nothing for a refused request; read only in the admin."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from khuyenhoc.audit import personal_data_access_log, students_what
from khuyenhoc.models import PersonalDataAccess
from khuyenhoc.roles import Role
from tests.factories import StudentFactory, UserFactory, user_with_role
from tests.students.collection.test_view_review import staged
from tests.students.collection.test_view_upload import round_make

pytestmark = pytest.mark.django_db

Action = PersonalDataAccess.Action


@pytest.fixture
def collection_round(world):
    return round_make(world)


@pytest.fixture
def superuser(world):
    return UserFactory(username="quantri", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_role(world):
    return user_with_role(Role.ADMIN, username="quantri2", is_staff=True)


def only_entry() -> PersonalDataAccess:
    (entry,) = PersonalDataAccess.objects.all()
    return entry


# The record page ------------------------------------------------------------------


def test_it_logs_a_look_at_a_student_record(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.get(
        reverse("students:detail", args=[world.student_dh.pk]), REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    entry = only_entry()
    assert entry.user == district_staff_dh
    assert entry.action == Action.RECORD_VIEWED
    assert entry.student_id == world.student_dh.pk
    assert entry.school == world.school_dh
    assert entry.ip_address == "10.1.2.3"
    assert entry.what == f"Hồ sơ học sinh số {world.student_dh.pk}, Trường THCS Nguyễn Trãi"
    # The log names no one: the record's personal data stays in the record.
    assert "Nguyễn Văn An" not in entry.what


def test_it_logs_nothing_when_an_outsider_gets_a_404(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.get(reverse("students:detail", args=[world.student_gl.pk]))
    assert response.status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_it_logs_nothing_for_an_anonymous_visitor(client, world):
    response = client.get(reverse("students:detail", args=[world.student_dh.pk]))
    assert response.status_code == 302
    assert not PersonalDataAccess.objects.exists()


# Collection downloads ------------------------------------------------------------


def test_it_logs_a_template_download_with_the_number_of_students(
    client, world, school_staff_gl, collection_round
):
    StudentFactory(full_name="Lê Thị Bé", school=world.school_gl, grade=6)
    client.force_login(school_staff_gl)
    response = client.get(
        reverse("collection:template", args=[collection_round.pk, world.school_gl.pk])
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = only_entry()
    assert entry.user == school_staff_gl
    assert entry.action == Action.TEMPLATE_DOWNLOADED
    assert entry.school == world.school_gl
    assert entry.rows == 2
    assert entry.what == "Trường THCS Gio Mỹ, 2 học sinh"
    assert entry.ip_address == "127.0.0.1"


def test_it_logs_nothing_when_an_outsider_asks_for_a_template(
    client, world, district_staff_dh, collection_round
):
    client.force_login(district_staff_dh)
    response = client.get(
        reverse("collection:template", args=[collection_round.pk, world.school_gl.pk])
    )
    assert response.status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_it_logs_an_error_file_download(
    client, tmp_path, world, school_staff_gl, district_staff_gl, collection_round
):
    submission = staged(tmp_path, world, school_staff_gl, collection_round)
    client.force_login(district_staff_gl)
    response = client.get(reverse("collection:errors_file", args=[submission.pk]))
    assert response.status_code == 200
    entry = only_entry()
    assert entry.user == district_staff_gl
    assert entry.action == Action.ERROR_FILE_DOWNLOADED
    assert entry.school == world.school_gl
    assert entry.rows == submission.rows_total > 0
    assert entry.what == f"Trường THCS Gio Mỹ, tệp ds.xlsx, {submission.rows_total} học sinh"


def test_it_logs_nothing_when_an_outsider_asks_for_an_error_file(
    client, tmp_path, world, school_staff_gl, district_staff_dh, collection_round
):
    submission = staged(tmp_path, world, school_staff_gl, collection_round)
    client.force_login(district_staff_dh)
    response = client.get(reverse("collection:errors_file", args=[submission.pk]))
    assert response.status_code == 404
    assert not PersonalDataAccess.objects.exists()


# The export command ---------------------------------------------------------------


def test_it_logs_a_command_export_with_its_user_and_count(world, tmp_path, district_staff_dh):
    path = tmp_path / "ds.xlsx"
    call_command(
        "export_students",
        "--area",
        "45",
        "--user",
        district_staff_dh.username,
        "--output",
        str(path),
        stdout=StringIO(),
    )
    entry = only_entry()
    assert entry.user == district_staff_dh
    assert entry.action == Action.COMMAND_EXPORT
    assert entry.area == world.province
    assert entry.school is None
    assert entry.rows == 1  # only Đông Hà's student
    assert entry.what.startswith("Tỉnh Quảng Trị (mã 45) → ds.xlsx (tài khoản ")
    assert entry.what.endswith(", 1 học sinh")
    assert entry.ip_address is None


def test_it_logs_a_command_export_of_a_school_without_a_user(world, tmp_path):
    call_command(
        "export_students",
        "--school",
        world.school_gl.moet_code,
        "--output",
        str(tmp_path / "ds.xlsx"),
        stdout=StringIO(),
    )
    entry = only_entry()
    assert entry.user is None
    assert entry.school == world.school_gl
    assert entry.area is None
    assert entry.rows == 1


def test_it_logs_nothing_when_the_command_refuses(world, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("export_students", "--area", "999", "--output", str(tmp_path / "x.xlsx"))
    assert not PersonalDataAccess.objects.exists()


# The service ----------------------------------------------------------------------


def test_it_writes_one_row_in_one_query(world, district_staff_dh, django_assert_num_queries):
    with django_assert_num_queries(1):
        entry = personal_data_access_log(
            user=district_staff_dh,
            action=Action.LIST_EXPORTED,
            what=students_what("Thành phố Đông Hà", 1234567),
            area=world.dong_ha,
            rows=1234567,
        )
    assert entry.what == "Thành phố Đông Hà, 1.234.567 học sinh"


def test_it_refuses_an_unknown_action_without_touching_the_database(
    world, district_staff_dh, caplog, django_assert_num_queries
):
    with django_assert_num_queries(0):
        entry = personal_data_access_log(
            user=district_staff_dh, action="x" * 100, what="Trường THCS Gio Mỹ"
        )
    assert entry is None
    assert "unknown action" in caplog.text


def test_it_never_fails_the_callers_request(world, district_staff_dh, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("the server closed the connection")

    monkeypatch.setattr(PersonalDataAccess, "save", broken)
    entry = personal_data_access_log(
        user=district_staff_dh, action=Action.RECORD_VIEWED, what="Hồ sơ học sinh số 1"
    )
    assert entry is None
    assert "personal data access not logged" in caplog.text


def test_it_cuts_a_long_description_and_ignores_a_bad_address(world):
    request = RequestFactory().get("/", REMOTE_ADDR="not an address")
    entry = personal_data_access_log(
        user=None, action=Action.ADMIN_EXPORT, what="x" * 400, request=request
    )
    entry.refresh_from_db()
    assert len(entry.what) == 255
    assert entry.ip_address is None


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "172.18.0.5"),  # no proxy: the peer, whatever the header says
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # what the proxy saw, not the client's
        (1, "", None),  # a proxy that should have written the header did not
        (2, "203.0.113.7, 10.0.0.2", "203.0.113.7"),
    ],
)
def test_it_takes_the_address_the_trusted_proxy_saw(world, settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_HOPS = hops
    request = RequestFactory().get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    entry = personal_data_access_log(
        user=None, action=Action.RECORD_VIEWED, what="Hồ sơ học sinh số 1", request=request
    )
    entry.refresh_from_db()
    assert entry.ip_address == expected


# The admin ------------------------------------------------------------------------


@pytest.fixture
def entry(world, district_staff_dh):
    return personal_data_access_log(
        user=district_staff_dh,
        action=Action.RECORD_VIEWED,
        what="Hồ sơ học sinh số 1, Trường THCS Nguyễn Trãi",
        school=world.school_dh,
    )


@pytest.mark.parametrize("who", ["superuser", "admin_role"])
def test_it_shows_the_log_to_admins(request, client, entry, who):
    client.force_login(request.getfixturevalue(who))
    changelist = reverse("admin:khuyenhoc_personaldataaccess_changelist")
    response = client.get(changelist, {"action__exact": "record_viewed", "q": "hoi_dongha"})
    assert response.status_code == 200
    assert "Hồ sơ học sinh số 1, Trường THCS Nguyễn Trãi" in response.content.decode()
    response = client.get(changelist, {"action__exact": "template_downloaded"})
    assert "Hồ sơ học sinh số 1" not in response.content.decode()
    response = client.get(changelist, {"q": "someone_else"})
    assert "Hồ sơ học sinh số 1" not in response.content.decode()
    detail = reverse("admin:khuyenhoc_personaldataaccess_change", args=[entry.pk])
    assert client.get(detail).status_code == 200


def test_it_lets_nobody_add_change_or_delete_log_rows(client, entry, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:khuyenhoc_personaldataaccess_add")).status_code == 403
    change = reverse("admin:khuyenhoc_personaldataaccess_change", args=[entry.pk])
    response = client.post(change, {"what": "sửa", "action": "list_exported"})
    assert response.status_code == 403
    delete = reverse("admin:khuyenhoc_personaldataaccess_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:khuyenhoc_personaldataaccess_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    entry.refresh_from_db()
    assert entry.what == "Hồ sơ học sinh số 1, Trường THCS Nguyễn Trãi"
    assert entry.action == Action.RECORD_VIEWED


def test_it_hides_the_log_from_staff_who_are_not_admins(client, entry, district_staff_dh):
    district_staff_dh.is_staff = True
    district_staff_dh.save(update_fields=["is_staff"])
    client.force_login(district_staff_dh)
    changelist = reverse("admin:khuyenhoc_personaldataaccess_changelist")
    assert client.get(changelist).status_code == 403
    detail = reverse("admin:khuyenhoc_personaldataaccess_change", args=[entry.pk])
    assert client.get(detail).status_code in (302, 403)
