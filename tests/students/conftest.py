import pytest


@pytest.fixture(autouse=True)
def pages_settings(settings):
    """Page tests render {% static %} and go through the security middleware. Without
    DEBUG the settings pick the manifest storage (needs collectstatic) and redirect
    plain HTTP to HTTPS; neither is what these tests are about."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
