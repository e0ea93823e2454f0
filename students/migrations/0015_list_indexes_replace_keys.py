"""Two indexes replaced by the list's (migration 0014) with the same key columns and
more carried: student_school_grade by student_list_school, circumstance_kind_student
by circumstance_list_kind. Every imported row paid for both copies."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0014_list_plan_statistics"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="circumstance",
            name="circumstance_kind_student",
        ),
        migrations.RemoveIndex(
            model_name="student",
            name="student_school_grade",
        ),
    ]
