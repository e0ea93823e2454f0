"""The Django admin (namespace "admin"): the site's own pages, then one rule per model
admin. A model admin's routes (list, add, change, delete, history, the bare object
URL that redirects to the change page, and its extra pages) all get rows from its
rule; a model admin registered without a rule leaves its routes without rows.

Anonymous visitors and people who are not staff are sent to the admin's login page.
An object outside a staff member's scope is answered as Django's admin answers a
missing one: a redirect to the admin's home page (302), saying it does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.urls.table import IN, OUT, ROLES, expect

# People the admin lets in at all (is_staff): district and provincial staff, the admin.
NOT_STAFF = {"school_staff": 302, "leader": 302, "outsider": 302}


def staff(district: int, provincial: int, admin: int) -> dict[str, int]:
    """A row of the admin: who is not staff goes to the admin's login page."""
    return expect(district_staff=district, provincial_staff=provincial, admin=admin, **NOT_STAFF)


URLS = {
    "admin:index": lambda o, obj, role: reverse("admin:index"),
    "admin:login": lambda o, obj, role: reverse("admin:login"),
    "admin:logout": lambda o, obj, role: reverse("admin:logout"),
    "admin:password_change": lambda o, obj, role: reverse("admin:password_change"),
    "admin:password_change_done": lambda o, obj, role: reverse("admin:password_change_done"),
    "admin:jsi18n": lambda o, obj, role: reverse("admin:jsi18n"),
    "admin:autocomplete": lambda o, obj, role: reverse("admin:autocomplete"),
    "admin:app_list": lambda o, obj, role: reverse("admin:app_list", args=["students"]),
    "admin:view_on_site": lambda o, obj, role: reverse(
        "admin:view_on_site",
        args=[ContentType.objects.get_for_model(o.student[obj]).pk, o.student[obj].pk],
    ),
    "admin:(?P<url>.*)$": lambda o, obj, role: reverse("admin:index") + "khong-co/",
}

ROWS = {
    ("admin:index", "get", None): staff(200, 200, 200),
    # The admin's login form is shown to whoever is not staff, signed in or not.
    ("admin:login", "get", None): expect(
        anonymous=200,
        school_staff=200,
        leader=200,
        outsider=200,
        district_staff=302,
        provincial_staff=302,
        admin=302,
    ),
    # Signing out of the admin is a POST; a visitor who is not staff is sent to the
    # admin's home page (and from there to its login).
    ("admin:logout", "get", None): staff(405, 405, 405),
    ("admin:password_change", "get", None): staff(200, 200, 200),
    ("admin:password_change_done", "get", None): staff(200, 200, 200),
    ("admin:jsi18n", "get", None): staff(200, 200, 200),
    # Without its query (app, model, field) the autocomplete refuses.
    ("admin:autocomplete", "get", None): staff(403, 403, 403),
    ("admin:app_list", "get", None): staff(200, 200, 200),
    # No model here has a page on the site.
    ("admin:view_on_site", "get", IN): staff(404, 404, 404),
    ("admin:(?P<url>.*)$", "get", None): staff(404, 404, 404),
    # The area tree's translations (treebeard): text only, open to everyone as today.
    ("admin:javascript-catalog", "get", None): expect(
        anonymous=200, **dict.fromkeys(ROLES[1:], 200)
    ),
    # The area tree's branches: a branch outside the district is not found.
    ("admin:khuyenhoc/area/children/<str:parent_id>/", "get", IN): staff(200, 200, 200),
    ("admin:khuyenhoc/area/children/<str:parent_id>/", "get", OUT): staff(404, 200, 200),
    # Moving a branch of the area tree: the admin's only, and only by POST.
    ("admin:khuyenhoc/area/move/", "get", None): staff(403, 403, 403),
    ("admin:khuyenhoc/area/move/", "post", None): staff(403, 403, 403),
}
# Anonymous visitors who are not sent to a login page with ?next=: the admin's sign-out
# sends them to the admin's home page.
LOGIN_REDIRECT_EXEMPT = {"admin:logout"}


@dataclass(frozen=True)
class Model:
    """A model admin: how to reach its objects, and its answers as a rule. The rule
    maps "page", "page/post" (an empty form sent) and "page/out" (the object OUT;
    without it the model has one object, IN) to the statuses of (district staff,
    provincial staff, admin). People who are not staff always go to the admin's
    login; the bare object URL always redirects (302) to the change page."""

    label: str  # "app_label.model_name"
    objects: object  # (Objects, role) -> {IN: obj[, OUT: obj]}
    rule: dict


def _admin_name(label: str, page: str) -> str:
    return "admin:" + label.replace(".", "_") + "_" + page


def _bare_key(label: str) -> str:
    return "admin:" + label.replace(".", "/") + "/<path:object_id>/"


def model_urls(model: Model) -> dict:
    def page(name):
        def url(o, obj, role):
            if obj is None:
                return reverse(_admin_name(model.label, name))
            return reverse(_admin_name(model.label, name), args=[model.objects(o, role)[obj].pk])

        return url

    def bare(o, obj, role):
        change = reverse(_admin_name(model.label, "change"), args=[model.objects(o, role)[obj].pk])
        return change.removesuffix("change/")

    names = {spec.split("/")[0] for spec in model.rule}
    urls = {_admin_name(model.label, name): page(name) for name in names}
    urls[_bare_key(model.label)] = bare
    return urls


# Pages that take no object.
_NO_OBJECT = {"changelist", "add", "import", "export", "process_import"}


def model_rows(model: Model) -> dict:
    rows = {}
    sides = (IN, OUT) if any(spec.endswith("/out") for spec in model.rule) else (IN,)
    for spec, (district, provincial, admin) in model.rule.items():
        parts = spec.split("/")
        name = parts[0]
        method = "post" if "post" in parts else "get"
        obj = None if name in _NO_OBJECT else (OUT if "out" in parts else IN)
        rows[(_admin_name(model.label, name), method, obj)] = staff(district, provincial, admin)
    for side in sides:
        rows[(_bare_key(model.label), "get", side)] = staff(302, 302, 302)
    return rows


def _sides(attr):
    return lambda o, role: getattr(o, attr)


def _one(name):
    return lambda o, role: {IN: o.misc[name]}


def _jobs(o, role):
    return {IN: o.owned(o.job, IN, role), OUT: o.owned(o.job, OUT, role)}


# The admin's own tables (grants, users, roles, successions): nobody else's.
ADMIN_ONLY = {
    "changelist": (403, 403, 200),
    "add": (403, 403, 200),
    "change": (403, 403, 200),
    "change/post": (403, 403, 200),
    "delete": (403, 403, 200),
    "history": (403, 403, 200),
}
# Logs and states kept by the application: the admin reads them, nobody edits them.
ADMIN_READS = {
    "changelist": (403, 403, 200),
    "add": (403, 403, 403),
    "change": (403, 403, 200),
    "change/post": (403, 403, 403),
    "delete": (403, 403, 403),
    "history": (403, 403, 200),
}
ADMIN_READS_SCOPED = {
    **ADMIN_READS,
    "change/out": (403, 403, 200),
    "change/post/out": (403, 403, 403),
    "delete/out": (403, 403, 403),
    # The history page looks the object up before it checks the permission.
    "history/out": (302, 403, 200),
}
# A student's record and its parts: staff keep them, only the province deletes.
RECORD = {
    "changelist": (200, 200, 200),
    "add": (200, 200, 200),
    "change": (200, 200, 200),
    "change/out": (302, 200, 200),
    "change/post": (200, 200, 200),
    "change/post/out": (302, 200, 200),
    "delete": (403, 200, 200),
    "delete/out": (403, 200, 200),
    "history": (200, 200, 200),
    "history/out": (302, 200, 200),
}
# Reference rows seen by every staff member, kept by some.
_SEEN = {
    "changelist": (200, 200, 200),
    "change": (200, 200, 200),
    "change/out": (302, 200, 200),
    "history": (200, 200, 200),
    "history/out": (302, 200, 200),
}
IMPORT_EXPORT = {"export": (200, 200, 200), "process_import": (405, 405, 405)}

MODELS = [
    Model(
        "auth.user",
        lambda o, role: {IN: o.people["school_staff"]},
        {**ADMIN_ONLY, "password_change": (403, 403, 200)},
    ),
    Model("auth.group", _one("group"), ADMIN_ONLY),
    Model("khuyenhoc.areasuccession", _one("succession"), ADMIN_ONLY),
    Model("khuyenhoc.areauserobjectpermission", _one("area_grant"), ADMIN_ONLY),
    Model("khuyenhoc.areagroupobjectpermission", _one("area_group_grant"), ADMIN_ONLY),
    Model("khuyenhoc.schooluserobjectpermission", _one("school_grant"), ADMIN_ONLY),
    Model("khuyenhoc.schoolgroupobjectpermission", _one("school_group_grant"), ADMIN_ONLY),
    Model("khuyenhoc.personaldataaccess", _one("access"), ADMIN_READS),
    Model("students.rollover", lambda o, role: {IN: o.rollover}, ADMIN_READS),
    Model("students.duplicatepair", _sides("pair"), ADMIN_READS_SCOPED),
    Model("students.levelleaver", _sides("leaver"), ADMIN_READS_SCOPED),
    Model(
        "khuyenhoc.area",
        _sides("area"),
        {
            **_SEEN,
            **IMPORT_EXPORT,
            "add": (403, 403, 200),
            "import": (403, 403, 200),
            "change/post": (403, 403, 200),
            "change/post/out": (403, 403, 200),
            "delete": (403, 403, 200),
            "delete/out": (403, 403, 200),
        },
    ),
    Model(
        "khuyenhoc.school",
        _sides("school"),
        {
            **_SEEN,
            **IMPORT_EXPORT,
            "add": (403, 200, 200),
            "import": (403, 200, 200),
            "change/post": (403, 200, 200),
            "change/post/out": (403, 200, 200),
            "delete": (403, 403, 200),
            "delete/out": (403, 403, 200),
        },
    ),
    Model(
        "students.ethnicity",
        _one("ethnicity"),
        {
            "changelist": (200, 200, 200),
            "add": (403, 403, 200),
            "change": (200, 200, 200),
            "change/post": (403, 403, 200),
            "delete": (403, 403, 200),
            "history": (200, 200, 200),
        },
    ),
    # A job is its owner's (IN); someone else's (OUT) is the admin's only.
    Model(
        "khuyenhoc.job",
        _jobs,
        {
            "changelist": (200, 200, 200),
            "add": (403, 403, 403),
            "change": (200, 200, 200),
            "change/out": (302, 302, 200),
            "change/post": (403, 403, 403),
            "change/post/out": (403, 403, 403),
            "delete": (403, 403, 403),
            "delete/out": (403, 403, 403),
            "history": (200, 200, 200),
            "history/out": (302, 302, 200),
        },
    ),
    Model(
        "students.student",
        _sides("student"),
        {
            **RECORD,
            **IMPORT_EXPORT,
            "import": (200, 200, 200),
        },
    ),
    Model("students.circumstance", _sides("circumstance"), RECORD),
    Model("students.guardian", _sides("guardian"), RECORD),
    Model("students.academicresult", _sides("result"), RECORD),
    Model("students.statuschange", _sides("status_change"), RECORD),
    Model("students.support", _sides("support"), RECORD),
    Model(
        "students.collectionround",
        _sides("round"),
        {
            **_SEEN,
            "add": (403, 200, 200),
            "change/post": (403, 200, 200),
            "change/post/out": (403, 200, 200),
            "delete": (403, 403, 200),
            "delete/out": (403, 403, 200),
        },
    ),
    # Lists sent by schools: read in the admin, changed on the site. Their form has
    # nothing to change: sending it goes back to the list (302).
    Model(
        "students.submission",
        _sides("submission"),
        {
            **_SEEN,
            "add": (403, 403, 403),
            "change/post": (302, 302, 302),
            "change/post/out": (302, 302, 302),
            "delete": (403, 403, 200),
            "delete/out": (403, 403, 200),
        },
    ),
    Model(
        "students.submissionrow",
        _sides("submission_row"),
        {
            **_SEEN,
            "add": (403, 403, 403),
            "change/post": (403, 403, 403),
            "change/post/out": (403, 403, 403),
            "delete": (403, 403, 200),
            "delete/out": (403, 403, 200),
        },
    ),
]
for _model in MODELS:
    URLS.update(model_urls(_model))
    ROWS.update(model_rows(_model))

URLS["admin:khuyenhoc/area/children/<str:parent_id>/"] = lambda o, obj, role: (
    reverse("admin:khuyenhoc_area_changelist") + f"children/{o.area[obj].pk}/"
)
URLS["admin:khuyenhoc/area/move/"] = lambda o, obj, role: (
    reverse("admin:khuyenhoc_area_changelist") + "move/"
)
URLS["admin:javascript-catalog"] = lambda o, obj, role: reverse("admin:javascript-catalog")
