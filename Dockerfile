FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
# Django's messages in this project's Vietnamese (locale/vi); .mo files are built, not committed.
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && msgfmt --check -o locale/vi/LC_MESSAGES/django.mo locale/vi/LC_MESSAGES/django.po \
    && apt-get purge -y gettext && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
# collectstatic needs settings to import; these values are build-time only.
RUN DEBUG=0 SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --no-input
RUN useradd --system --home /app khuyenhoc && mkdir -p /data/media && chown khuyenhoc /data/media
USER khuyenhoc
EXPOSE 8000
CMD ["gunicorn", "khuyenhoc.wsgi:application", "--bind=0.0.0.0:8000"]
