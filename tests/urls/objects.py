"""The people and objects the URL table is played against, made once per run.

IN objects belong to Gio Linh (or, for the collection rounds, to the province: Gio
Linh's schools take part in them); OUT objects belong to Đông Hà. Jobs belong to one
person: IN is the person's own, OUT someone else's. Objects are made through the
models or the site's own pages (by URL name), not through feature modules, so that
moving those modules changes nothing here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import openpyxl
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from khuyenhoc.models import (
    AreaSuccession,
    AreaUserObjectPermission,
    Job,
    PersonalDataAccess,
    SchoolUserObjectPermission,
)
from khuyenhoc.roles import Role
from students.models import (
    AcademicResult,
    CollectionRound,
    DuplicatePair,
    Ethnicity,
    LevelLeaver,
    Rollover,
    StatusChange,
    Submission,
)
from tests.factories import (
    CircumstanceFactory,
    GuardianFactory,
    StudentFactory,
    SupportFactory,
    user_with_role,
)
from tests.urls.table import IN, OUT

# A list of one student, as a school sends it (the collection's upload).
LIST_HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp", "Hộ nghèo"]
LIST_HEADER += ["Năm xác nhận hộ nghèo/cận nghèo"]


def people(request, world) -> dict:
    """One person per demo role (khuyenhoc/demo/users.py): district and provincial
    staff may open the Django admin, the admin is a superuser."""
    found = {
        "school_staff": request.getfixturevalue("school_staff_gl"),
        "district_staff": request.getfixturevalue("district_staff_gl"),
        "provincial_staff": request.getfixturevalue("provincial_staff"),
        "leader": request.getfixturevalue("leader"),
        "outsider": request.getfixturevalue("outsider"),
        "admin": user_with_role(Role.ADMIN, username="quantri", is_staff=True, is_superuser=True),
    }
    for role in ("district_staff", "provincial_staff"):
        found[role].is_staff = True
        found[role].save(update_fields=["is_staff"])
    return found


@dataclass
class Objects:
    world: object
    people: dict
    other: object  # Đông Hà's district staff: owns the OUT jobs and lists
    student: dict = field(default_factory=dict)
    circumstance: dict = field(default_factory=dict)
    guardian: dict = field(default_factory=dict)
    support: dict = field(default_factory=dict)
    result: dict = field(default_factory=dict)
    status_change: dict = field(default_factory=dict)
    school: dict = field(default_factory=dict)
    area: dict = field(default_factory=dict)
    round: dict = field(default_factory=dict)
    submission: dict = field(default_factory=dict)
    pair: dict = field(default_factory=dict)
    pair_merged: dict = field(default_factory=dict)
    submission_row: dict = field(default_factory=dict)
    leaver: dict = field(default_factory=dict)
    rollover: object = None
    # Jobs by owner's role ("other" for Đông Hà's staff).
    job: dict = field(default_factory=dict)
    export_job: dict = field(default_factory=dict)
    preview: dict = field(default_factory=dict)
    misc: dict = field(default_factory=dict)

    def owned(self, jobs: dict, obj: str, role: str):
        """The person's own job (IN) or someone else's (OUT); anonymous visitors own
        none."""
        return jobs[role] if obj == IN and role in jobs else jobs["other"]


def _list_file(tmp_path, name: str, full_name: str):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(LIST_HEADER)
    ws.append([1, full_name, "05/09/2012", "Nam", "Kinh", "7A", "x", 2026])
    # A row with an error: the list has its file of errors.
    ws.append([2, "Trần Văn Lỗi", "31/02/2012", "Nam", "Kinh", "7A", "x", 2026])
    path = tmp_path / name
    wb.save(path)
    return path


def _upload(client, user, collection_round, school, path) -> Submission:
    client.force_login(user)
    with path.open("rb") as fh:
        response = client.post(
            reverse("collection:upload", args=[collection_round.pk, school.pk]), {"file": fh}
        )
    assert response.status_code == 302, response.content[:2000]
    return Submission.objects.filter(school=school).latest("pk")


def objects_make(*, request, world, tmp_path, capture) -> Objects:
    who = people(request, world)
    other = request.getfixturevalue("district_staff_dh")
    o = Objects(world=world, people=who, other=other)
    sides = {IN: (world.school_gl, world.gio_my), OUT: (world.school_dh, world.phuong_1)}
    o.student = {IN: world.student_gl, OUT: world.student_dh}
    o.area = {IN: world.gio_linh, OUT: world.dong_ha}
    for side, (school, commune) in sides.items():
        student = o.student[side]
        o.school[side] = school
        o.circumstance[side] = CircumstanceFactory(student=student)
        o.guardian[side] = GuardianFactory(student=student)
        o.support[side] = SupportFactory(student=student)
        o.result[side] = AcademicResult.objects.create(student=student, school_year=2025)
        o.status_change[side] = StatusChange.objects.create(
            student=student, status="dropped_out", changed_on=dt.date(2026, 9, 1), reason="x"
        )
        a = StudentFactory(full_name="Hồ Văn Kăn", school=school, commune=commune)
        b = StudentFactory(full_name="Ho Van Kan", school=school, commune=commune)
        o.pair[side] = DuplicatePair.objects.create(student_a=a, student_b=b, score=90, reasons=[])
        c = StudentFactory(full_name="Lê Thị Mơ", school=school, commune=commune)
        d = StudentFactory(full_name="Le Thi Mo", school=school, commune=commune)
        o.pair_merged[side] = DuplicatePair.objects.create(
            student_a=c, student_b=d, score=90, reasons=[]
        )
    o.rollover = Rollover.objects.create(school_year=2026)
    for side, (school, _commune) in sides.items():
        leaving = StudentFactory(school=school, grade=9)
        o.leaver[side] = LevelLeaver.objects.create(
            rollover=o.rollover,
            student=leaving,
            school=school,
            grade_before=9,
            grade_after=10,
            reason=LevelLeaver.Reason.LOWER_SECONDARY_DONE,
        )
    o.round = {
        IN: CollectionRound.objects.create(
            name="Đợt 2026",
            school_year=2026,
            area=world.province,
            opens_on=dt.date(2026, 9, 1),
            deadline=dt.date(2026, 10, 15),
        ),
        OUT: CollectionRound.objects.create(
            name="Đợt Đông Hà",
            school_year=2026,
            area=world.dong_ha,
            opens_on=dt.date(2026, 9, 1),
            deadline=dt.date(2026, 10, 1),
        ),
    }

    client = Client()
    with capture(execute=True):
        o.submission[IN] = _upload(
            client,
            who["school_staff"],
            o.round[IN],
            world.school_gl,
            _list_file(tmp_path, "gl.xlsx", "Lê Văn Tám"),
        )
        o.submission[OUT] = _upload(
            client,
            other,
            o.round[IN],
            world.school_dh,
            _list_file(tmp_path, "dh.xlsx", "Phan Văn Bảy"),
        )
        # The merged pairs: merged by their district's staff.
        for side, staff in ((IN, who["district_staff"]), (OUT, other)):
            pair = o.pair_merged[side]
            client.force_login(staff)
            client.post(
                reverse("duplicates:merge", args=[pair.pk]),
                {"keep": pair.student_a_id, "confirmed": "1"},
            )
            pair.refresh_from_db()
            assert pair.state == DuplicatePair.State.MERGED, pair.state
        # Each person's finished export (the download) and Đông Hà's.
        for role, user in [*who.items(), ("other", other)]:
            client.force_login(user)
            client.post(reverse("students:export"))
            o.export_job[role] = Job.objects.filter(owner=user, kind="student_export").latest("pk")
    o.job = o.export_job
    for role, user in [*who.items(), ("other", other)]:
        school = world.school_dh if role == "other" else world.school_gl
        o.preview[role] = Job.objects.create(
            owner=user,
            kind="results_preview",
            state=Job.State.DONE,
            finished_at=timezone.now(),
            result={
                "school_id": school.pk,
                "school_year": 2025,
                "name": "ketqua.xlsx",
                "matched": [],
                "unmatched": [],
                "errors": [],
                "checks": [],
            },
        )
    # The admin's tables of their own.
    o.misc["succession"] = AreaSuccession.objects.create(
        old_area=world.gio_my, new_area=world.gio_my, effective_on=dt.date(2025, 7, 1)
    )
    o.misc["access"] = PersonalDataAccess.objects.create(
        user=who["district_staff"], action="record_viewed", what="x"
    )
    o.misc["area_grant"] = AreaUserObjectPermission.objects.filter(user=other).first()
    o.misc["school_grant"] = SchoolUserObjectPermission.objects.filter(
        user=who["school_staff"]
    ).first()
    o.misc["group"] = Group.objects.get(name=Role.SCHOOL_STAFF)
    o.misc["ethnicity"] = Ethnicity.objects.get(code="01")
    o.misc["area_group_grant"] = assign_perm("view_area", o.misc["group"], world.gio_linh)
    o.misc["school_group_grant"] = assign_perm("view_school", o.misc["group"], world.school_gl)
    o.submission_row = {side: submission.rows.first() for side, submission in o.submission.items()}
    return o
