"""The need score: how hard a student's circumstances are, as one whole number.

Formula (documented in README.md, "Điểm hoàn cảnh"):

    need_score = sum of the points of each current circumstance

A circumstance is current when it has not ended (ended_on empty or in the future).
Points:
    disability          đặc biệt nặng 10, nặng 8, nhẹ 4
    orphan              cả cha lẫn mẹ 10, mồ côi cha or mẹ 6;
                        +2 when it meets Decree 20/2021 art. 5 cl. 1
    poor household      6 when the certified year is current, 3 when stale
    near-poor household 4 when current, 2 when stale
    other difficulty    2, or 4 once staff have confirmed it

So more circumstances and more severe ones rank higher, and a stale poverty year
counts half. A household year is current in its own calendar year and, while the
yearly review is being published, until 31 March of the next year. An unknown year
("chưa rõ năm": a list marked the household with x and said no year) counts as stale
until someone records the year (in SQL, NULL >= year is not true: the stale branch).

The same weights drive the set-based recompute in SQL (`need_scores_recompute`), so
the Python function here and the database can never disagree on the formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

DISABILITY_POINTS = {"extremely_severe": 10, "severe": 8, "mild": 4}
ORPHAN_POINTS = {"both": 10, "father": 6, "mother": 6}
ORPHAN_LEGAL_BONUS = 2
HOUSEHOLD_POINTS = {"poor": (6, 3), "near_poor": (4, 2)}  # (current, stale)
OTHER_POINTS = (2, 4)  # (unconfirmed, confirmed)
HOUSEHOLD_GRACE = (3, 31)  # last year's certificate still counts until 31/3


def household_year_is_current(year: int | None, today: dt.date) -> bool:
    """Is a poverty certificate of `year` current today? An unknown year is not."""
    if not year:
        return False
    if year >= today.year:
        return True
    return year == today.year - 1 and (today.month, today.day) <= HOUSEHOLD_GRACE


def oldest_current_household_year(today: dt.date) -> int:
    return today.year - 1 if (today.month, today.day) <= HOUSEHOLD_GRACE else today.year


def circumstance_points(c, today: dt.date) -> int:
    if c.ended_on is not None and c.ended_on < today:
        return 0
    if c.kind == "disability":
        return DISABILITY_POINTS.get(c.disability_level, 0)
    if c.kind == "orphan":
        return ORPHAN_POINTS.get(c.orphan_label, 0) + (ORPHAN_LEGAL_BONUS if c.orphan_legal else 0)
    if c.kind in HOUSEHOLD_POINTS:
        current, stale = HOUSEHOLD_POINTS[c.kind]
        return current if household_year_is_current(c.household_year, today) else stale
    if c.kind == "other":
        return OTHER_POINTS[1] if c.confirmed else OTHER_POINTS[0]
    return 0


def need_score(circumstances: Iterable, today: dt.date) -> int:
    return sum(circumstance_points(c, today) for c in circumstances)


def need_score_sql(today: dt.date) -> tuple[str, list]:
    """SQL expression over a `students_circumstance` row aliased `c`, and its params."""
    first_current = oldest_current_household_year(today)
    parts = ["CASE"]
    params: list = []
    parts.append("WHEN c.ended_on IS NOT NULL AND c.ended_on < %s THEN 0")
    params.append(today)
    for level, points in DISABILITY_POINTS.items():
        parts.append("WHEN c.kind = 'disability' AND c.disability_level = %s THEN %s")
        params += [level, points]
    for label, points in ORPHAN_POINTS.items():
        parts.append(
            "WHEN c.kind = 'orphan' AND c.orphan_label = %s THEN %s + CASE WHEN c.orphan_legal THEN %s ELSE 0 END"
        )
        params += [label, points, ORPHAN_LEGAL_BONUS]
    for kind, (current, stale) in HOUSEHOLD_POINTS.items():
        parts.append("WHEN c.kind = %s AND c.household_year >= %s THEN %s")
        params += [kind, first_current, current]
        parts.append("WHEN c.kind = %s THEN %s")
        params += [kind, stale]
    parts.append("WHEN c.kind = 'other' AND c.confirmed THEN %s")
    params.append(OTHER_POINTS[1])
    parts.append("WHEN c.kind = 'other' THEN %s")
    params.append(OTHER_POINTS[0])
    parts.append("ELSE 0 END")
    return " ".join(parts), params
