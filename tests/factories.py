"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from khuyenhoc.access import grant
from khuyenhoc.models import Area, School
from students.models import Circumstance, Ethnicity, Guardian, Student, Support
from students.status.rollover import current_school_year


def area_add(*, parent: Area | None, code: str, name: str, kind: str, short_name: str = "") -> Area:
    """Add a node to the tree the way treebeard wants it (computes the path)."""
    fields = {"code": code, "name": name, "short_name": short_name or name, "kind": kind}
    if parent is None:
        return Area.objects.add_root(create_kwargs=fields)
    return Area.objects.add_child(parent, create_kwargs=fields)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    moet_code = factory.Sequence(lambda n: f"45{n:06d}")
    name = factory.Sequence(lambda n: f"Trường THCS Số {n}")
    level = School.Level.LOWER_SECONDARY
    grade_min = 6
    grade_max = 9


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn An {n}")
    search_key = factory.LazyAttribute(
        lambda o: __import__("khuyenhoc.text").text.search_key(o.full_name)
    )
    birth_date = dt.date(2012, 9, 5)
    birth_year = factory.LazyAttribute(lambda o: o.birth_date.year if o.birth_date else 2012)
    gender = "male"
    ethnicity = factory.LazyFunction(lambda: Ethnicity.objects.get(code="01"))
    grade = factory.LazyAttribute(lambda o: o.school.grade_min)
    class_name = factory.LazyAttribute(lambda o: f"{o.grade}A")


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    full_name = "Nguyễn Văn Bình"
    relation = Guardian.Relation.FATHER
    occupation = "Làm nông"
    phone = "0912345678"


class CircumstanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Circumstance

    kind = Circumstance.Kind.POOR
    household_year = factory.LazyFunction(lambda: dt.date.today().year)


def this_school_year_day() -> dt.date:
    """A day of the current school year that is not in the future."""
    from django.utils import timezone

    today = timezone.localdate()
    return min(today, dt.date(current_school_year(today), 9, 20))


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Support

    received_on = factory.LazyFunction(this_school_year_day)
    school_year = factory.LazyAttribute(lambda o: current_school_year(o.received_on))
    giver = "Công ty Điện lực Quảng Trị"
    kind = Support.Kind.SCHOLARSHIP
    description = "Học bổng Khuyến học"
    amount_vnd = 1_500_000


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "matkhau-Thu-nghiem-1")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if extracted:
            obj.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def finish(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(
    role: str,
    *,
    area: Area | None = None,
    school: School | None = None,
    action: str = "change",
    **kw,
):
    user = UserFactory(role=role, **kw)
    if area is not None:
        grant(who=user, action=action, target=area)
    if school is not None:
        grant(who=user, action=action, target=school)
    return user
