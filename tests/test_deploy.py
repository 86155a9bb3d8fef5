"""Production configuration: environment only, `check --deploy` clean, compose = README."""

import os
import re
import subprocess
import sys

import yaml
from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#p2Vq9!xZ4mW8rT1yB6nC3dF5gH0jL2sA9eR7uI4oP1qX8vM",
    "ALLOWED_HOSTS": "cdv.example.fr",
    "DATABASE_URL": "postgres://cdv:secret@db.example.fr:5432/cdv",
    "CELERY_BROKER_URL": "redis://redis.example.fr:6379/0",
    "CHIFFREMENT_SELS": "q8Zr2LkW9pXv4Tn7",
}


# Set by tests/settings.py for the test process; a production process never has them.
TEST_ONLY_ENV = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SECURE_SSL_REDIRECT",
    "ALLOWED_HOSTS",
    "SECRET_KEY",
    "CHIFFREMENT_SELS",
}


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV.keys() | TEST_ONLY_ENV}
    clean["DJANGO_SETTINGS_MODULE"] = "cdv.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_the_encryption_salts():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CHIFFREMENT_SELS"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "CHIFFREMENT_SELS" in result.stderr


def test_a_malformed_boolean_fails_loudly():
    result = _manage("check", env={**PRODUCTION_ENV, "DEBUG": "peut-être"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def _compose():
    with open(settings.BASE_DIR / "docker-compose.yml") as f:
        return yaml.safe_load(f)


def _readme_deploy_section():
    readme = (settings.BASE_DIR / "README.md").read_text()
    return readme.split("## Deploy", 1)[1]


def test_compose_has_the_production_services():
    services = _compose()["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    assert "gunicorn cdv.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A cdv worker")
    assert services["beat"]["command"].startswith("celery -A cdv beat")
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:")
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_compose_runs_exactly_the_commands_the_readme_documents():
    deploy = _readme_deploy_section()
    documented = dict(re.findall(r"^\| (\w+) \| `([^`]+)` \|$", deploy, re.MULTILINE))
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        command = services[name]["command"]
        command = re.sub(r'^sh -c "(.*)"$', r"\1", command)
        assert documented[name] == command, name


def test_the_readme_starts_with_the_two_commands():
    readme = (settings.BASE_DIR / "README.md").read_text()
    first_section = readme.split("\n## ", 2)[1]
    assert first_section.startswith("Two commands")
    assert "make run" in first_section and "make test" in first_section


def test_front_end_libraries_come_from_the_package_registry():
    from django.contrib.staticfiles import finders

    for path in (
        "vendor/htmx/htmx.min.js",
        "vendor/chartjs/chart.umd.min.js",
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
    ):
        found = finders.find(path)
        assert found and "node_modules" in found, path


def test_media_go_to_s3_compatible_storage_when_a_bucket_is_set():
    show = (
        "from django.core.files.storage import storages; print(type(storages['default']).__name__)"
    )
    env = {**PRODUCTION_ENV, "AWS_STORAGE_BUCKET_NAME": "cdv-media"}
    env["AWS_S3_ENDPOINT_URL"] = "https://s3.example.fr"
    assert _manage("shell", "-c", show, env=env).stdout.split()[-1] == "S3Storage"
    assert (
        _manage("shell", "-c", show, env=PRODUCTION_ENV).stdout.split()[-1] == "FileSystemStorage"
    )
