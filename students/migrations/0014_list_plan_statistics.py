"""What PostgreSQL needs to plan the student list well at a million students (see
students/selectors.py and students/filters.py).

- circumstance_list_kind: (kind, student_id) with the disability level and end date
  carried in the index. The list's "circumstance in force" test (kind, level, not
  ended) is then answered from the index alone, both one student at a time (an EXISTS
  along the sort order, the capped count) and as the set of every student of a kind.
- student_list_school: (school_id, grade) with the id and the merge carried in the
  index. The ids of a district's students (100,000 in a province of a million) are
  read from it alone, and a circumstance or support filter is tested on them before
  any student row is read (the key is student_school_grade's, which it can replace).
- circumstance_kind_level: the kind and the disability level are not independent
  (only a disability has a level); without these statistics PostgreSQL estimated
  "severe disability" at 1,400 students instead of 25,000 and picked its plans for a
  rare case.
- search_key keeps 1,000 histogram entries on students and guardians (the default
  100 estimated a term matching 5,600 names at 26,000): the list asks the planner
  how many rows a search term matches to choose between looking the matches up and
  testing rows along the sort order.

RunSQL, like 0011: these belong to the list's queries rather than to the models.
"""

from django.db import migrations

OPERATIONS = [
    (
        "CREATE INDEX IF NOT EXISTS circumstance_list_kind ON students_circumstance"
        " (kind, student_id) INCLUDE (disability_level, ended_on)",
        "DROP INDEX IF EXISTS circumstance_list_kind",
    ),
    (
        "CREATE INDEX IF NOT EXISTS student_list_school ON students_student"
        " (school_id, grade) INCLUDE (id, merged_into_id)",
        "DROP INDEX IF EXISTS student_list_school",
    ),
    (
        "CREATE STATISTICS IF NOT EXISTS circumstance_kind_level (dependencies, mcv)"
        " ON kind, disability_level FROM students_circumstance",
        "DROP STATISTICS IF EXISTS circumstance_kind_level",
    ),
    (
        "ALTER TABLE students_student ALTER COLUMN search_key SET STATISTICS 1000",
        "ALTER TABLE students_student ALTER COLUMN search_key SET STATISTICS -1",
    ),
    (
        "ALTER TABLE students_guardian ALTER COLUMN search_key SET STATISTICS 1000",
        "ALTER TABLE students_guardian ALTER COLUMN search_key SET STATISTICS -1",
    ),
    # The new statistics exist once the tables are analysed (a few seconds at 1M rows).
    ("ANALYZE students_circumstance", migrations.RunSQL.noop),
    ("ANALYZE students_student (search_key)", migrations.RunSQL.noop),
    ("ANALYZE students_guardian (search_key)", migrations.RunSQL.noop),
]


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0013_student_index_pruning"),
    ]

    operations = [migrations.RunSQL(sql, reverse_sql=reverse) for sql, reverse in OPERATIONS]
