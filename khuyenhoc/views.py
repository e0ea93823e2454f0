"""The home page: each role's first view, made of the panels the apps register
(khuyenhoc/home.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string

from khuyenhoc.home import home_kind, home_panels


@login_required
def home(request):
    kind = home_kind(request.user)
    panels = []
    if kind != "none":
        for panel in home_panels():
            context = panel.context(request, kind)
            if context is not None:
                context = {"home_kind": kind, **context}
                panels.append(render_to_string(panel.template, context, request=request))
    return render(request, "home.html", {"home_kind": kind, "panels": panels})
