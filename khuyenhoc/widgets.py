"""Form fields and widgets the apps share.

`CommuneField` picks a commune among every commune of a region (the school's province
in both eras of the tree: the 2025 communes, and the names used before the 2025 reform
pointing at the commune that took them over), in a plain <select> that a search box
filters without diacritics (static/js/commune-picker.js; without JavaScript the select
still works)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyenhoc.models import Area, AreaSuccession
from khuyenhoc.text import search_key


@dataclass(frozen=True)
class CommuneEntry:
    value: int
    label: str
    key: str  # what the search box matches: the folded names on the label
    former: bool  # a name used before the reform, pointing at its successor
    successor: str = ""  # for a former name: the name of the commune it points at


def commune_entries(*, roots: Iterable[str], keep: Area | None = None) -> list[CommuneEntry]:
    """What the picker offers below the area paths `roots` (two queries): each commune
    in force today, then each older commune once per commune that took it over
    ("Xã Gio Mỹ (Huyện Gio Linh, trước 7/2025) → Xã Gio Linh"; one without a successor on
    record as itself), then `keep` (the commune on record) when not offered already."""
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(path__startswith=root)
    areas = {
        a.pk: a
        for a in Area.objects.filter(q, kind__in=[Area.Kind.DISTRICT, Area.Kind.COMMUNE]).only(
            "path", "name", "kind", "valid_from", "valid_to", "search_key"
        )
    }
    today = timezone.localdate()
    districts = {a.path: a for a in areas.values() if a.kind == Area.Kind.DISTRICT}
    communes = sorted(
        (a for a in areas.values() if a.kind == Area.Kind.COMMUNE), key=lambda a: a.search_key
    )
    current = [a for a in communes if a.valid_to is None or a.valid_to >= today]
    entries = [CommuneEntry(a.pk, a.name, search_key(a.name), False) for a in current]
    offered = {a.pk for a in current}
    old_ids = [a.pk for a in communes if a.pk not in offered]
    links = AreaSuccession.objects.filter(old_area_id__in=old_ids).order_by("-is_default")
    successors: dict[int, list[Area]] = {}
    for old_id, new_id, new_name in links.values_list(
        "old_area_id", "new_area_id", "new_area__name"
    ):
        new = areas.get(new_id) or Area(pk=new_id, name=new_name)
        successors.setdefault(old_id, []).append(new)
    for old in (a for a in communes if a.pk not in offered):
        district = districts.get(old.path[: -Area.steplen])
        ended = old.valid_to + dt.timedelta(days=1)
        where = [district.name] if district else []
        where.append(_("trước %(month)s/%(year)s") % {"month": ended.month, "year": ended.year})
        former = f"{old.name} ({', '.join(where)})"
        if not successors.get(old.pk):
            # No successor on record (reference data loaded in part): the old unit itself.
            entries.append(CommuneEntry(old.pk, former, search_key(old.name), True))
        for new in successors.get(old.pk, []):
            entries.append(
                CommuneEntry(
                    new.pk,
                    f"{former} → {new.name}",
                    f"{search_key(old.name)} {search_key(new.name)}",
                    True,
                    new.name,
                )
            )
    if keep is not None and keep.pk not in {e.value for e in entries}:
        label = keep.name
        if not keep.is_current:
            label = _("%(name)s (tên cũ, đang ghi trong hồ sơ)") % {"name": keep.name}
        entries.append(CommuneEntry(keep.pk, label, search_key(keep.name), False))
    return entries


class CommunePicker(forms.Select):
    """A <select> of `entries` in two groups, each option carrying its folded names for
    the search box placed before it; without entries, of the field's own choices."""

    template_name = "khuyenhoc/widgets/commune_picker.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.entries: list[CommuneEntry] = []
        self.empty_label = ""

    def optgroups(self, name, value, attrs=None):
        if not self.entries:
            # Given plain choices (a field's own, grouped as it likes): only the search
            # box is added; the script folds the labels itself.
            return super().optgroups(name, value, attrs)
        chosen = {str(v) for v in value if v not in (None, "")}
        groups = []

        def option(entry_value, label, key, index, selected, successor=""):
            opt = self.create_option(name, entry_value, label, selected, index, attrs=attrs)
            opt["attrs"]["data-key"] = key
            if successor:
                # A phone's select cuts a long label: the page says what will be saved.
                opt["attrs"]["data-successor"] = successor
            return opt

        groups.append((None, [option("", self.empty_label, "", 0, not chosen)], 0))
        seen_selected = False
        for group_index, (group_label, former) in enumerate(
            [(_("Xã, phường hiện nay"), False), (_("Tên cũ → xã, phường hiện nay"), True)],
            start=1,
        ):
            options = []
            for index, entry in enumerate(e for e in self.entries if e.former == former):
                # One option per value is selected: an old name points at the same
                # commune as the commune's own entry, which comes first.
                selected = str(entry.value) in chosen and not seen_selected
                seen_selected = seen_selected or selected
                options.append(
                    option(entry.value, entry.label, entry.key, index, selected, entry.successor)
                )
            if options:
                groups.append((group_label, options, group_index))
        return groups

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_label"] = _("Tìm xã, phường (gõ không dấu cũng được)")
        context["widget"]["saved_as"] = _("Sẽ ghi vào hồ sơ: %(name)s (tên hiện nay)")
        return context


class CommuneField(forms.ModelChoiceField):
    """A commune chosen among those `offer` was given; any commune below the region's
    roots (or the one on record) is accepted."""

    widget = CommunePicker

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Area.objects.none())
        kwargs.setdefault("empty_label", gettext_lazy("(chưa rõ)"))
        super().__init__(*args, **kwargs)
        self.widget.empty_label = self.empty_label

    def offer(self, *, roots: Iterable[str], keep: Area | None = None) -> None:
        roots = sorted(set(roots))
        q = Q(pk__in=[])
        for root in roots:
            q |= Q(path__startswith=root)
        if keep is not None:
            q |= Q(pk=keep.pk)
        self.queryset = Area.objects.filter(q, kind=Area.Kind.COMMUNE)
        self.widget.entries = commune_entries(roots=roots, keep=keep)
        self.widget.empty_label = self.empty_label

    def label_from_instance(self, obj: Area) -> str:
        return obj.name
