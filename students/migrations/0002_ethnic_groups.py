import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "ethnic_groups.json"


def load(apps, schema_editor):
    Ethnicity = apps.get_model("students", "Ethnicity")
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        fields = row["fields"]
        Ethnicity.objects.update_or_create(
            code=fields["code"], defaults={"name": fields["name"], "aliases": fields["aliases"]}
        )


class Migration(migrations.Migration):
    dependencies = [("students", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
