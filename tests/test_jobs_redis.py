"""Jobs and the cache against a real Redis (REDIS_URL), and the in-process fallback
without one.

Without a reachable Redis the Redis tests are skipped with the reason, except on CI
(CI=true), where a missing Redis is an error.
"""

import os
import runpy
import uuid
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.db import connection

from khuyenhoc.celery import app as celery_app
from students.record.tasks import need_scores_recompute_task
from tests.factories import CircumstanceFactory

ON_CI = os.environ.get("CI") == "true"


def _shown(url: str) -> str:
    """The URL without a password, fit for a test report."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}"
    if parts.port:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def _redis_problem() -> str | None:
    url = settings.REDIS_URL
    if not url:
        return "REDIS_URL chưa được đặt"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        return f"Redis không chạy tại {_shown(url)} ({exc})"
    return None


REDIS_PROBLEM = _redis_problem()

# Decided at collection so that a skipped test never sets up (and flushes) a database.
skip_without_redis = pytest.mark.skipif(
    bool(REDIS_PROBLEM) and not ON_CI, reason=f"{REDIS_PROBLEM}: bỏ qua kiểm thử cần Redis"
)


@pytest.fixture
def redis_url() -> str:
    if REDIS_PROBLEM:
        pytest.fail(f"{REDIS_PROBLEM}: trên CI kiểm thử cần Redis không được bỏ qua", pytrace=False)
    return settings.REDIS_URL


@pytest.mark.redis
@skip_without_redis
def test_it_uses_redis_as_the_django_cache(redis_url):
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    key = f"kiem-thu-{uuid.uuid4().hex}"
    cache.set(key, {"học sinh": 3}, timeout=30)
    try:
        assert cache.get(key) == {"học sinh": 3}
        raw = redis.Redis.from_url(redis_url)
        assert raw.exists(cache.make_key(key)) == 1
    finally:
        cache.delete(key)
    assert cache.get(key) is None


@pytest.mark.redis
@skip_without_redis
# Committed rows, since the worker reads them on its own connection. Serialized
# rollback, as the other transactional tests do: the tables are emptied afterwards
# and the next such test loads the migrated rows (roles, ethnic groups) back.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_recomputes_need_scores_in_a_real_worker(redis_url, world):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    assert not celery_app.conf.task_always_eager
    assert celery_app.conf.broker_url == redis_url
    CircumstanceFactory(student=world.student_dh, kind="orphan", orphan_label="both")
    CircumstanceFactory(student=world.student_gl, kind="near_poor")
    assert world.student_dh.need_score == world.student_gl.need_score == 0

    def close_worker_connection(**kwargs):
        # The worker thread's own connection would keep the test database from
        # being dropped at the end of the session.
        connection.close()

    task_postrun.connect(close_worker_connection, weak=False)
    try:
        with start_worker(celery_app, perform_ping_check=False, pool="solo"):
            result = need_scores_recompute_task.delay(school_ids=[world.school_dh.pk])
            changed = result.get(timeout=30)
    finally:
        task_postrun.disconnect(close_worker_connection)

    assert changed == 1
    world.student_dh.refresh_from_db()
    world.student_gl.refresh_from_db()
    assert world.student_dh.need_score > 0
    assert world.student_gl.need_score == 0, "only the school asked for is recomputed"


@pytest.mark.redis
def test_it_runs_jobs_in_process_exactly_when_there_is_no_redis():
    assert settings.CELERY_TASK_ALWAYS_EAGER is not bool(settings.REDIS_URL)
    assert celery_app.conf.task_always_eager == settings.CELERY_TASK_ALWAYS_EAGER


@pytest.mark.parametrize(
    "redis_env, eager, broker, cache_backend",
    [
        (None, True, "memory://", "LocMemCache"),
        ("redis://redis:6379/0", False, "redis://redis:6379/0", "RedisCache"),
    ],
)
def test_it_reads_the_job_settings_from_redis_url(
    monkeypatch, redis_env, eager, broker, cache_backend
):
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.setenv("DATABASE_URL", "postgres://khuyenhoc@127.0.0.1:5432/khuyenhoc")
    if redis_env is None:
        monkeypatch.delenv("REDIS_URL", raising=False)
    else:
        monkeypatch.setenv("REDIS_URL", redis_env)
    read = runpy.run_path(str(settings.BASE_DIR / "khuyenhoc" / "settings.py"))
    assert read["CELERY_TASK_ALWAYS_EAGER"] is eager
    assert read["CELERY_BROKER_URL"] == broker
    assert read["CACHES"]["default"]["BACKEND"].endswith(cache_backend)


@pytest.mark.django_db
def test_it_runs_the_task_in_process_without_a_broker(world):
    CircumstanceFactory(student=world.student_dh, kind="orphan", orphan_label="both")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        assert need_scores_recompute_task.delay().get() == 1
    finally:
        celery_app.conf.task_always_eager = eager
    world.student_dh.refresh_from_db()
    assert world.student_dh.need_score > 0
