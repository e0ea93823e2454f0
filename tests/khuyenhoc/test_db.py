import pytest
from django.db import connection

from khuyenhoc.db import pg_array

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "values",
    [[], ["scholarship"], ["scholarship", "bicycle"], ['a "quoted" word', "back\\slash", "x, {y}"]],
)
def test_it_writes_array_literals_postgresql_reads_back(values):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::varchar(40)[]", [pg_array(values)])
        assert cursor.fetchone()[0] == values
