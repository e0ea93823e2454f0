"""A student added through "Thêm học sinh" has no circumstance until one is recorded:
flagged "Chưa thuộc diện nào" on the record, in the list and in the school's template
(whose upload then warns rather than refuses: test_template_round_trip.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from students.collection.template import school_template_write
from students.collection.workbook import NO_CIRCUMSTANCE_NOTE, SHEET_LIST
from tests.factories import CircumstanceFactory, StudentFactory

pytestmark = pytest.mark.django_db

BADGE = "Chưa thuộc diện nào"


def test_it_flags_the_record(client, world, district_staff_gl):
    client.force_login(district_staff_gl)
    url = reverse("students:detail", args=[world.student_gl.pk])
    assert f'href="#hoan-canh">{BADGE}</a>' in client.get(url).content.decode()
    CircumstanceFactory(student=world.student_gl, household_year=timezone.localdate().year)
    assert BADGE not in client.get(url).content.decode()


def test_it_flags_the_row_of_the_list(client, world, district_staff_gl):
    client.force_login(district_staff_gl)
    html = client.get(reverse("students:list")).content.decode()
    row = html[html.index(f'href="/hoc-sinh/{world.student_gl.pk}/"') :].split("</tr>")[0]
    assert f'<span class="badge badge-warn">{BADGE}</span>' in row


def test_it_flags_the_row_of_the_template(world, tmp_path):
    lan = StudentFactory(full_name="Hồ Thị Lan", school=world.school_gl)
    CircumstanceFactory(student=lan, household_year=timezone.localdate().year)
    path = tmp_path / "mau.xlsx"
    school_template_write(school=world.school_gl, school_year=2026, path=path)
    ws = load_workbook(path)[SHEET_LIST]
    names = {c.value: c for c in ws["B"] if c.value in ("Trần Thị Đào", lan.full_name)}
    flagged = names["Trần Thị Đào"]
    assert flagged.comment.text == NO_CIRCUMSTANCE_NOTE
    assert flagged.fill.fgColor.rgb.endswith("FFEB9C")
    assert names[lan.full_name].comment is None
