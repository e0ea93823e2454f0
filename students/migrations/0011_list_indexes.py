"""Indexes of the student list at a million students (see students/filters.py and
students/selectors.py).

- student_list_name, student_list_need: the list's two usual orders, by name (the
  given name first: split_part(search_key, ' ', -1)) and by need score then name, so
  that a page is read from the index, not sorted out of the whole selection.
- guardian_search_trgm, guardian_phone_prefix: the search by a guardian's name (any
  part of it) and by phone number (a prefix), which otherwise read every guardian.

RunSQL, not model indexes: the name order is an expression over another column, and
these belong to the list's queries rather than to the model.
"""

from django.db import migrations

INDEXES = {
    "student_list_name": (
        "students_student",
        "(split_part(search_key, ' ', -1), search_key, id)",
    ),
    "student_list_need": (
        "students_student",
        "(need_score DESC, split_part(search_key, ' ', -1), search_key, id)",
    ),
    "guardian_search_trgm": ("students_guardian", "USING gin (search_key gin_trgm_ops)"),
    "guardian_phone_prefix": ("students_guardian", "(phone varchar_pattern_ops)"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0010_academicresult_history"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, (table, definition) in INDEXES.items()
    ]
