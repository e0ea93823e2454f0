import datetime as dt
import random

import pytest

from students.models import Circumstance
from students.record.services import need_scores_recompute
from students.scoring import need_score
from tests.factories import CircumstanceFactory, StudentFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def test_it_ranks_more_and_more_severe_circumstances_higher(world):
    one = [Circumstance(kind="disability", disability_level="mild", disability_type="vision")]
    two = [*one, Circumstance(kind="orphan", orphan_label="father")]
    severe = [
        Circumstance(
            kind="disability", disability_level="extremely_severe", disability_type="vision"
        )
    ]
    assert need_score(two, TODAY) > need_score(one, TODAY)
    assert need_score(severe, TODAY) > need_score(one, TODAY)


def test_it_counts_a_stale_poverty_year_less():
    fresh = [Circumstance(kind="poor", household_year=2026)]
    stale = [Circumstance(kind="poor", household_year=2024)]
    assert need_score(fresh, TODAY) == 6
    assert need_score(stale, TODAY) == 3
    # Last year's certificate still counts until the end of March.
    assert need_score([Circumstance(kind="poor", household_year=2025)], dt.date(2026, 3, 31)) == 6
    assert need_score([Circumstance(kind="poor", household_year=2025)], dt.date(2026, 4, 1)) == 3


def test_it_counts_an_unknown_poverty_year_as_stale():
    assert need_score([Circumstance(kind="poor", household_year=None)], TODAY) == 3
    assert need_score([Circumstance(kind="near_poor", household_year=None)], TODAY) == 2
    assert str(Circumstance(kind="poor", household_year=None)) == "Hộ nghèo chưa rõ năm"


def test_the_sql_recompute_counts_an_unknown_poverty_year_as_stale(world):
    student = StudentFactory(school=world.school_dh, grade=7)
    CircumstanceFactory(student=student, kind="near_poor", household_year=None)
    need_scores_recompute(today=TODAY)
    student.refresh_from_db()
    assert student.need_score == 2


def test_it_ignores_circumstances_that_ended():
    ended = [Circumstance(kind="near_poor", household_year=2026, ended_on=dt.date(2026, 1, 1))]
    assert need_score(ended, TODAY) == 0


def test_the_sql_recompute_agrees_with_the_python_formula(world):
    rng = random.Random(7)
    students = [StudentFactory(school=world.school_dh, grade=6 + i % 4) for i in range(30)]
    for s in students:
        for _ in range(rng.randint(0, 3)):
            kind = rng.choice(["disability", "orphan", "poor", "near_poor", "other"])
            extra = {
                "disability": {
                    "disability_type": "mobility",
                    "disability_level": rng.choice(["mild", "severe", "extremely_severe"]),
                },
                "orphan": {
                    "orphan_label": rng.choice(["father", "mother", "both"]),
                    "orphan_legal": rng.choice([True, False, None]),
                },
                # None: a year no list said ("chưa rõ năm").
                "poor": {"household_year": rng.choice([2023, 2025, 2026, None])},
                "near_poor": {"household_year": rng.choice([2023, 2025, 2026, None])},
                "other": {
                    "description": "Cha bị bệnh nặng",
                    "confirmed": rng.choice([True, False]),
                },
            }[kind]
            CircumstanceFactory(student=s, kind=kind, **extra)
    need_scores_recompute(today=TODAY)
    for s in students:
        s.refresh_from_db()
        assert s.need_score == need_score(s.circumstances.all(), TODAY)
