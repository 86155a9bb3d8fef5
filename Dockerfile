# Production image: gunicorn web, Celery worker and beat share it (see docker-compose.yml).
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# libmagic1: python-magic detects the real type of uploaded attachments; postgresql-client:
# pg_dump and pg_restore for `manage.py sauvegarder` and `restaurer` (docs/sauvegardes.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt
COPY . .
COPY --from=assets /app/node_modules node_modules
RUN SECRET_KEY=build-only CHIFFREMENT_SELS=build-only python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 cdv && mkdir -p /app/media && chown cdv /app/media
USER cdv
EXPOSE 8000
CMD ["gunicorn", "cdv.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
