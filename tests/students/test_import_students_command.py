"""`import_students` fails (exit status other than 0, the reason in Vietnamese) whenever
the file is refused, checked or committed; a file with a few bad rows is no failure."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from students.models import Student
from tests.students.collection.test_import_pipeline import ROWS, _xlsx

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parent / "collection" / "corpus" / "files"


def _run(path: Path, school, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_students", str(path), "--school", school.moet_code, *args,
                 stdout=out, stderr=err)  # fmt: skip
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("commit", [[], ["--commit"]])
@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("hostile_no_header.xlsx", "Không tìm thấy dòng tiêu đề"),
        ("hostile_no_header.csv", "Không tìm thấy dòng tiêu đề"),
        ("hostile_empty.xlsx", "rỗng"),
        ("hostile_text.xlsx", "không khớp với đuôi .xlsx"),
        ("hostile_truncated.xlsx", "không khớp với đuôi .xlsx"),
    ],
)
def test_it_fails_with_the_reason_when_the_file_is_refused(world, name, says, commit):
    before = Student.objects.count()
    with pytest.raises(CommandError, match=says) as caught:
        _run(CORPUS / name, world.school_gl, *commit)
    # manage.py exits with this status (Django's handling of CommandError).
    assert caught.value.returncode == 1
    assert Student.objects.count() == before


def test_it_succeeds_with_a_few_bad_rows(world, tmp_path):
    out, err = _run(_xlsx(tmp_path, ROWS), world.school_gl, "--commit")
    summary = json.loads(out.strip().splitlines()[-1])
    assert (summary["created"], summary["errors"]) == (2, 1)
    assert "Dòng 5" in err


def test_it_leaves_the_namesakes_to_find_duplicates_without_a_worker(world, tmp_path):
    # No worker (jobs run in the process): the queueing of the new students' namesakes
    # would run inside the command; it says how to queue them instead.
    out, err = _run(_xlsx(tmp_path, ROWS), world.school_gl, "--commit")
    assert "find_duplicates" in err


def test_it_sends_the_new_students_namesakes_to_the_worker(world, tmp_path, monkeypatch):
    from khuyenhoc.celery import app
    from students.duplicates import tasks

    sent = []
    monkeypatch.setattr(tasks.duplicates_queue_task, "delay", sent.append)
    app.conf.task_always_eager = False  # (put back by the jobs_in_process fixture)
    out, err = _run(_xlsx(tmp_path, ROWS), world.school_gl, "--commit")
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["created"] == 2
    assert len(sent) == 1 and "find_duplicates" not in err
