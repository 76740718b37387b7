# The web app, the Celery worker and Celery beat share this image (see docker-compose.yml).

# Stylesheet and GOV.UK Frontend assets: compiled from npm, never committed.
FROM node:22-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/src static/src
RUN npm run build

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var \
    DEBUG=false \
    STATIC_ROOT=/app/staticfiles
# Pango, HarfBuzz and fonts for WeasyPrint's PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The runtime dependencies ([project] dependencies) in a layer of their own, so a code change
# does not reinstall them; then the project itself, in place, without its dependencies again.
COPY pyproject.toml ./
RUN pip install "pip>=25.1" \
    && python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt
COPY . .
RUN pip install --no-deps -e .
COPY --from=assets /app/static/build static/build
COPY --from=assets /app/node_modules/govuk-frontend/dist node_modules/govuk-frontend/dist
RUN DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input \
    && useradd --create-home --uid 1000 portal \
    && mkdir -p /app/var && chown portal /app/var
USER portal
EXPOSE 8000
# With DEBUG off the settings refuse to start without SECRET_KEY: the image carries none.
CMD ["gunicorn", "productivity.wsgi:application", "--bind=0.0.0.0:8000"]
