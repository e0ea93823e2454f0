import pytest
from django.db import connection

from khuyenhoc.db import pg_array, side_connect

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "values",
    [[], ["scholarship"], ["scholarship", "bicycle"], ['a "quoted" word', "back\\slash", "x, {y}"]],
)
def test_it_writes_array_literals_postgresql_reads_back(values):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::varchar(40)[]", [pg_array(values)])
        assert cursor.fetchone()[0] == values


def test_it_opens_side_connections_where_django_connects(monkeypatch):
    """The embedded server's socket folder comes as OPTIONS["host"] (its URL is
    postgresql://postgres:@/khuyenhoc?host=/path), not as HOST: a side connection built
    from HOST alone went to the machine's default socket ("database does not exist")."""
    settings_dict = connection.settings_dict
    host = settings_dict["HOST"] or settings_dict["OPTIONS"].get("host")
    monkeypatch.setitem(settings_dict, "HOST", "")
    monkeypatch.setitem(settings_dict, "OPTIONS", {**settings_dict["OPTIONS"], "host": host})
    with side_connect(autocommit=True) as conn:
        assert conn.execute("SELECT current_database()").fetchone()[0] == settings_dict["NAME"]
