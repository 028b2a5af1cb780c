# syntax=docker/dockerfile:1
# Dimos Portal: one image for the web server, the Celery worker and beat, and the one-shot migration.
#
#   docker build -t dimos-portal .          (docker compose builds it for you: see docker-compose.yml)
#   docker run --env-file .env -p 8000:8000 dimos-portal
#
# The image holds no secrets and no database: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and the
# rest of .env.example come from the environment at run time. The default command serves the site with
# gunicorn on port 8000; the worker and beat services run `celery -A portal …` from the same image.
# Needs BuildKit (the default builder since Docker Engine 23, and what docker compose uses) for the cache
# mount and COPY --exclude.

ARG PYTHON_IMAGE=python:3.11-slim


# --- Stage 1: dependencies, compiled translations (Babel), collected static files. uv stays here. -------
FROM ${PYTHON_IMAGE} AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never

WORKDIR /app

# Dependencies first, so that code changes reuse this layer. uv is installed at the version the lock pins;
# the build constraints keep setuptools<81 for xstatic-bootstrap's sdist, which still imports pkg_resources.
COPY requirements.lock build-constraints.txt ./
RUN --mount=type=cache,target=/root/.cache/uv \
    pip install "$(grep -E '^uv==' requirements.lock || echo uv)" \
    && uv venv --python /usr/local/bin/python3 /opt/venv \
    && VIRTUAL_ENV=/opt/venv uv pip sync --build-constraints build-constraints.txt requirements.lock

ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# The project, without local state: virtualenv, database files, collected static files, compiled
# catalogues, secrets. (A .dockerignore with the same entries also keeps them out of the build context.)
COPY --exclude=.git --exclude=.venv --exclude=.data --exclude=.env --exclude=**/__pycache__ \
    --exclude=**/*.mo --exclude=.pytest_cache --exclude=.ruff_cache --exclude=test-results . .

# Settings insist on a secret key and a host list with DEBUG off, and start an embedded PostgreSQL when
# DATABASE_URL is unset; these build-only values satisfy them. Nothing here connects to the database.
RUN export DJANGO_SECRET_KEY=build-only-not-a-secret \
        DJANGO_ALLOWED_HOSTS=localhost \
        DATABASE_URL=postgres://build@localhost/build \
        CELERY_BROKER_URL= \
    && python manage.py translations compile \
    && python manage.py collectstatic --noinput --verbosity=1 \
    && python -m compileall -q -x '/\.data/' .


# --- Stage 2: the runtime image. -----------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_MEDIA_ROOT=/var/lib/portal/media \
    WEB_CONCURRENCY=3

# An unprivileged user owns only its home (gunicorn keeps its control socket in ~/.gunicorn) and the media
# directory; code, virtualenv and static files stay root's and read-only to it.
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /var/lib/portal --no-create-home \
        --shell /usr/sbin/nologin portal \
    && install -d -o portal -g portal -m 0750 /var/lib/portal /var/lib/portal/media

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app

USER portal:portal
EXPOSE 8000

# /healthz is exempt from the HTTPS redirect; DJANGO_ALLOWED_HOSTS must include 127.0.0.1 for this probe.
# urlopen raises on any status >= 400 (503 when the database or broker is down), which exits non-zero.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as r; sys.exit(r.urlopen('http://127.0.0.1:8000/healthz', timeout=8).status != 200)"]

# Workers: WEB_CONCURRENCY (gunicorn reads it; 3 by default, about 2 x CPUs + 1 for a small host).
# /dev/shm for the worker heartbeat files, so a slow or read-only disk cannot make workers look dead.
CMD ["gunicorn", "portal.wsgi:application", \
     "--bind=0.0.0.0:8000", \
     "--worker-tmp-dir=/dev/shm", \
     "--timeout=30", \
     "--graceful-timeout=30", \
     "--max-requests=1000", \
     "--max-requests-jitter=100", \
     "--access-logfile=-"]
