"""Shared fixtures for the collection parser's tests."""

from __future__ import annotations

import pytest

from students.collection.rows import RowContext, ethnicity_keys
from tests.students.collection.corpus.expected import COMMUNES, GRADES, TODAY

# Fake Area ids for the communes the corpus addresses name.
COMMUNE_IDS = {key: 9000 + i for i, key in enumerate(COMMUNES)}
COMMUNE_NAME_OF_ID = {9000 + i: name for i, name in enumerate(COMMUNES.values())}


@pytest.fixture
def ethnicity_code_of(db) -> dict[int, str]:
    from students.models import Ethnicity

    return dict(Ethnicity.objects.values_list("pk", "code"))


@pytest.fixture
def corpus_context(db) -> RowContext:
    """What an import of a THCS in Gio Linh knows, on 1 November 2025."""
    from students.models import Ethnicity

    return RowContext(
        today=TODAY,
        ethnicities=ethnicity_keys(Ethnicity.objects.values_list("pk", "code", "name", "aliases")),
        communes=COMMUNE_IDS,
        grade_min=GRADES[0],
        grade_max=GRADES[1],
    )
