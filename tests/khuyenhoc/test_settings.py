import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from khuyenhoc.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deploy_check_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "-production-secret-" + "x" * 30,
        ALLOWED_HOSTS="khuyenhoc.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_reads_typed_values_and_fails_loudly_on_bad_ones(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a.vn, b.vn,")
    assert env_bool("X_BOOL") is True
    assert env_int("X_INT", 0) == 42
    assert env_list("X_LIST", []) == ["a.vn", "b.vn"]
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "many")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 0)


def test_it_is_vietnamese_in_ho_chi_minh_time(settings):
    # Vietnamese only: there is no English catalogue (tests/khuyenhoc/test_language.py).
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.LANGUAGES == [("vi", "Tiếng Việt")]
    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def test_it_formats_dates_day_first():
    import datetime as dt

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.date_format(dt.date(2012, 9, 5), "SHORT_DATE_FORMAT") == "05/09/2012"
        assert formats.number_format(1234567, force_grouping=True) == "1.234.567"
