from students.models.collection import CollectionRound, Submission, SubmissionRow
from students.models.duplicates import DuplicatePair, DuplicatePairQuerySet
from students.models.record import (
    AcademicResult,
    Circumstance,
    Ethnicity,
    Gender,
    Guardian,
    Status,
    StatusChange,
    Student,
    StudentPartQuerySet,
    StudentQuerySet,
    Wish,
)
from students.models.rollover import LevelLeaver, Rollover
from students.models.support import Support

__all__ = [
    "AcademicResult",
    "Circumstance",
    "CollectionRound",
    "DuplicatePair",
    "DuplicatePairQuerySet",
    "Ethnicity",
    "Gender",
    "Guardian",
    "LevelLeaver",
    "Status",
    "StatusChange",
    "Student",
    "StudentPartQuerySet",
    "StudentQuerySet",
    "Submission",
    "SubmissionRow",
    "Support",
    "Rollover",
    "Wish",
]
