"""Long lists on the embedded PostgreSQL of `make run` (no DATABASE_URL): the path a
file over 5,000 rows takes (its staged rows written on a connection of their own) must
reach the embedded server's socket, not the machine's default one."""

from __future__ import annotations

import json

from tests.embedded_site import school_list_write, student_count


def test_it_imports_a_6000_row_list_on_the_embedded_server(embedded_site, tmp_path):
    site = embedded_site
    path = school_list_write(tmp_path / "ds.xlsx", rows=6000, grades=tuple(site.school["grades"]))
    before = student_count(site)
    out = site.manage("import_students", str(path), "--school", site.school["code"], "--commit")
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary["rows"] == 6000
    assert summary["errors"] == 0
    assert summary["created"] == 6000
    assert student_count(site) == before + 6000


def test_it_refuses_a_list_over_the_limit_on_the_embedded_server(embedded_site, tmp_path):
    site = embedded_site
    path = school_list_write(
        tmp_path / "qua-dai.xlsx", rows=20_001, grades=tuple(site.school["grades"]), seed=5
    )
    before = student_count(site)
    out = site.manage("import_students", str(path), "--school", site.school["code"], check=False)
    assert "20.000" in out.stderr, out.stderr
    assert "ngoài dự kiến" not in out.stdout + out.stderr
    assert student_count(site) == before
    state = site.query(
        "import json; from students.models import Submission;"
        " print(json.dumps(Submission.objects.order_by('-pk').values_list('state', flat=True)[0]))"
    )
    assert state == "failed"
