"""Sign-in required by default."""

from django.contrib import admin
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's LoginRequiredMiddleware: every page needs a signed-in person unless its
    view says `login_not_required`. The admin's pages are left to the admin, which
    checks staff itself and sends visitors to its own login page (Django's middleware
    would send them to the site's for the model admins' pages). The URL table
    (tests/urls/) checks where every route sends an anonymous visitor."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.namespace == admin.site.name:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
