"""What each role may do with the registry's models (given to the core's role registry in
StudentsConfig.ready)."""

from __future__ import annotations

from khuyenhoc.roles import Role, model_perms

# Records that staff keep up to date; leaders only read them.
RECORD_MODELS = [
    "students.student",
    "students.circumstance",
    "students.guardian",
    "students.academicresult",
    "students.statuschange",
    "students.support",
]
REFERENCE_MODELS = ["students.ethnicity"]
# Uploaded lists: schools and districts send and review them.
COLLECTION_MODELS = ["students.submission", "students.submissionrow"]

PERMISSIONS: dict[Role, list[str]] = {
    Role.PROVINCIAL_LEADER: model_perms(
        RECORD_MODELS + REFERENCE_MODELS + COLLECTION_MODELS + ["students.collectionround"],
        ["view"],
    ),
    Role.PROVINCIAL_STAFF: model_perms(RECORD_MODELS, ["view", "add", "change", "delete"])
    + model_perms(COLLECTION_MODELS + ["students.collectionround"], ["view", "add", "change"])
    + ["students.review_submission"]
    + model_perms(REFERENCE_MODELS, ["view"]),
    Role.DISTRICT_STAFF: model_perms(RECORD_MODELS + COLLECTION_MODELS, ["view", "add", "change"])
    + model_perms(REFERENCE_MODELS + ["students.collectionround"], ["view"])
    + ["students.review_submission"],
    Role.SCHOOL_STAFF: model_perms(RECORD_MODELS + COLLECTION_MODELS, ["view", "add", "change"])
    + model_perms(REFERENCE_MODELS + ["students.collectionround"], ["view"]),
}
