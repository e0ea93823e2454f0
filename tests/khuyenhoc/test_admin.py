import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from khuyenhoc.models import AreaUserObjectPermission, Job
from students.models import Student
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_dh(district_staff_dh):
    district_staff_dh.is_staff = True
    district_staff_dh.save(update_fields=["is_staff"])
    return district_staff_dh


@pytest.fixture
def superuser(world):
    return UserFactory(username="quantri", is_staff=True, is_superuser=True)


def test_it_has_an_admin_for_every_model():
    import pghistory.models

    for label in ("khuyenhoc", "students"):
        for model in apps.get_app_config(label).get_models():
            # History events are read on the student's page, scoped like the student.
            if issubclass(model, pghistory.models.Event):
                continue
            assert model in admin.site._registry, model


def test_it_lists_only_the_schools_of_the_district(client, world, staff_dh):
    client.force_login(staff_dh)
    response = client.get(reverse("admin:khuyenhoc_school_changelist"))
    assert response.status_code == 200
    assert world.school_dh.name in response.text
    assert world.school_gl.name not in response.text


def test_it_does_not_open_a_school_of_another_district(client, world, staff_dh):
    client.force_login(staff_dh)
    url = reverse("admin:khuyenhoc_school_change", args=[world.school_gl.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert world.school_gl.name not in response.text
    assert world.school_gl.moet_code not in response.text


def test_it_shows_a_school_of_the_district_read_only(client, world, staff_dh):
    client.force_login(staff_dh)
    url = reverse("admin:khuyenhoc_school_change", args=[world.school_dh.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert world.school_dh.name in response.text
    assert client.post(url, {"name": "Đổi tên"}).status_code == 403


def test_it_draws_the_area_tree_from_the_highest_visible_area(client, world, staff_dh):
    client.force_login(staff_dh)
    response = client.get(reverse("admin:khuyenhoc_area_changelist"))
    assert response.status_code == 200
    assert [a.pk for a in response.context["cl"].result_list] == [world.dong_ha.pk]
    assert world.gio_linh.name not in response.text
    assert world.province.name not in response.text

    children = client.get(
        reverse("admin:khuyenhoc_area_changelist") + f"children/{world.dong_ha.pk}/"
    )
    assert children.status_code == 200
    assert world.phuong_1.name in children.json()["result_html"]
    outside = client.get(
        reverse("admin:khuyenhoc_area_changelist") + f"children/{world.gio_linh.pk}/"
    )
    assert outside.status_code == 404


def test_it_searches_areas_only_within_scope(client, world, staff_dh):
    client.force_login(staff_dh)
    response = client.get(reverse("admin:khuyenhoc_area_changelist"), {"q": "gio"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    response = client.get(reverse("admin:khuyenhoc_area_changelist"), {"q": "Phường"})
    assert list(response.context["cl"].result_list) == [world.phuong_1]


def test_it_refuses_to_move_areas_for_district_staff(client, world, staff_dh):
    client.force_login(staff_dh)
    response = client.post(
        reverse("admin:khuyenhoc_area_changelist") + "move/",
        {"node": world.phuong_1.pk, "target": world.gio_linh.pk, "relation": "child"},
    )
    assert response.status_code == 403
    world.phuong_1.refresh_from_db()
    assert world.phuong_1.path.startswith(world.dong_ha.path)


def test_it_shows_the_whole_tree_to_a_superuser(client, world, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:khuyenhoc_area_changelist"))
    assert [a.pk for a in response.context["cl"].result_list] == [world.province.pk]
    response = client.get(reverse("admin:khuyenhoc_school_changelist"))
    assert world.school_dh.name in response.text
    assert world.school_gl.name in response.text


def test_it_hides_grants_from_district_staff(client, world, staff_dh):
    client.force_login(staff_dh)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert reverse("admin:khuyenhoc_school_changelist") in index.text
    for name in (
        "areauserobjectpermission",
        "areagroupobjectpermission",
        "schooluserobjectpermission",
        "schoolgroupobjectpermission",
        "areasuccession",
    ):
        url = reverse(f"admin:khuyenhoc_{name}_changelist")
        assert url not in index.text
        assert client.get(url).status_code == 403


def test_it_lets_a_superuser_grant_an_area(client, world, superuser):
    newcomer = UserFactory(username="moi", role="district_staff")
    client.force_login(superuser)
    add_url = reverse("admin:khuyenhoc_areauserobjectpermission_add")
    form = client.get(add_url).context["adminform"].form
    codenames = set(form.fields["permission"].queryset.values_list("codename", flat=True))
    assert codenames == {"view_area_records", "change_area_records"}

    permission = Permission.objects.get(codename="view_area_records")
    response = client.post(
        add_url,
        {"user": newcomer.pk, "permission": permission.pk, "content_object": world.gio_linh.pk},
    )
    assert response.status_code == 302
    assert AreaUserObjectPermission.objects.filter(user=newcomer).count() == 1
    assert list(Student.objects.for_user(newcomer)) == [world.student_gl]


def test_it_lets_a_superuser_move_an_area_in_the_form(client, world, superuser):
    client.force_login(superuser)
    url = reverse("admin:khuyenhoc_area_change", args=[world.phuong_1.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "treebeard_ref_node" in response.context["adminform"].form.fields


def test_it_shows_an_area_read_only_to_district_staff(client, world, staff_dh):
    client.force_login(staff_dh)
    response = client.get(reverse("admin:khuyenhoc_area_change", args=[world.phuong_1.pk]))
    assert response.status_code == 200
    assert world.phuong_1.name in response.text
    assert "treebeard_ref_node" not in response.text
    outside = client.get(reverse("admin:khuyenhoc_area_change", args=[world.gio_my.pk]))
    assert outside.status_code == 302


def test_it_lists_every_job_to_an_administrator(client, world, superuser):
    other = UserFactory(last_name="Võ Thị Thu", first_name="Hà")
    Job.objects.create(owner=superuser, kind="student_export", message="Đã xuất 10 dòng")
    Job.objects.create(owner=other, kind="submission_stage", message="Việc của người khác")
    client.force_login(superuser)
    response = client.get(reverse("admin:khuyenhoc_job_changelist"))
    assert len(response.context["cl"].result_list) == 2
    assert "Việc của người khác" in response.text
    assert "Võ Thị Thu Hà" in response.text
    assert "Đọc danh sách tải lên" in response.text
    assert "Lúc yêu cầu" in response.text and "Created at" not in response.text
    filtered = client.get(reverse("admin:khuyenhoc_job_changelist"), {"kind": "student_export"})
    assert [j.kind for j in filtered.context["cl"].result_list] == ["student_export"]
    job = filtered.context["cl"].result_list[0]
    page = client.get(reverse("admin:khuyenhoc_job_change", args=[job.pk]))
    assert page.status_code == 200 and "Lúc bắt đầu" in page.text


def test_it_lists_a_staff_member_their_own_jobs_only(client, world, staff_dh):
    mine = Job.objects.create(owner=staff_dh, kind="student_export", message="Của tôi")
    other = Job.objects.create(owner=UserFactory(), kind="rollover", message="Của người khác")
    client.force_login(staff_dh)
    assert "khuyenhoc/job/" in client.get(reverse("admin:index")).text
    response = client.get(reverse("admin:khuyenhoc_job_changelist"))
    assert list(response.context["cl"].result_list) == [mine]
    assert "Của người khác" not in response.text
    assert client.get(reverse("admin:khuyenhoc_job_change", args=[mine.pk])).status_code == 200
    outside = client.get(reverse("admin:khuyenhoc_job_change", args=[other.pk]))
    assert outside.status_code == 302


def test_it_finds_users_without_diacritics(client, world, superuser):
    UserFactory(username="truong_gl", last_name="Võ Thị Thu", first_name="Hà")
    UserFactory(username="khac", last_name="Lê Văn", first_name="Đức")
    client.force_login(superuser)
    response = client.get(reverse("admin:auth_user_changelist"), {"q": "vo thi thu ha"})
    assert [u.username for u in response.context["cl"].result_list] == ["truong_gl"]
    assert "Võ Thị Thu Hà" in response.text
    response = client.get(reverse("admin:auth_user_changelist"), {"q": "DUC"})
    assert [u.username for u in response.context["cl"].result_list] == ["khac"]


def test_it_answers_an_autocomplete_term_with_a_nul(client, world, superuser):
    client.force_login(superuser)
    for model, field in [("student", "verified_by"), ("student", "ethnicity"), ("job", "owner")]:
        app = "khuyenhoc" if model == "job" else "students"
        response = client.get(
            reverse("admin:autocomplete"),
            {"term": "a\x00b", "app_label": app, "model_name": model, "field_name": field},
        )
        assert response.status_code == 200, (model, field)


# Kept in English on purpose: internal columns no admin page shows or edits.
INTERNAL_FIELDS = {"path", "depth", "numchild", "search_key", "data", "errors", "warnings"}


def test_it_names_every_field_an_admin_shows_in_vietnamese(rf, superuser):
    """The admin is read in Vietnamese: a field with no verbose name shows Django's
    English made from its attribute name ("Created at", "Rows total")."""
    request = rf.get("/")
    request.user = superuser
    english = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("khuyenhoc", "students"):
            continue
        shown = set(model_admin.get_list_display(request)) | set(
            model_admin.get_readonly_fields(request)
        )
        for fieldset in model_admin.get_fieldsets(request):
            for name in fieldset[1]["fields"]:
                shown.update(name if isinstance(name, tuple | list) else [name])
        # (An admin may name a third-party model's fields itself: the grants'.)
        for name in shown - INTERNAL_FIELDS - set(getattr(model_admin, "LABELS", {})):
            try:
                field = model._meta.get_field(name)
            except Exception:
                continue  # a method or an admin's own column
            if str(field.verbose_name) == name.replace("_", " "):
                english.append(f"{model.__name__}.{name}")
    assert sorted(english) == [], "\n".join(sorted(english))
