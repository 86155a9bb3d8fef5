"""What the whole project promises, checked across every app."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command

PROJECT_APPS = ["cdv", "programmation", "quartiers", "gup", "pre", "citeslab"]
PROJECT_MODELS = [
    model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()
]
MODEL_IDS = [model._meta.label for model in PROJECT_MODELS]

# Files where a query must start from for_user(): pages, API, exports, admin.
SCOPED_FILES = ("views.py", "api.py", "exports.py", "admin.py")
UNSCOPED_QUERY = re.compile(r"\b[A-Z]\w*\.objects\.(?!for_user\(|none\(\))")


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=MODEL_IDS)
def test_every_model_is_in_the_admin(model):
    assert model in admin.site._registry


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=MODEL_IDS)
def test_every_model_has_a_french_verbose_name(model):
    meta = model._meta
    assert "verbose_name" in meta.original_attrs, f"{meta.label} has no verbose_name"
    assert "verbose_name_plural" in meta.original_attrs, f"{meta.label}: no verbose_name_plural"
    for field in meta.get_fields():
        if field.concrete and not field.auto_created:
            assert "_" not in str(field.verbose_name), f"{meta.label}.{field.name}"


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=MODEL_IDS)
def test_every_model_is_scoped_by_for_user(model):
    assert hasattr(model._default_manager, "for_user"), f"{model._meta.label} lacks for_user()"


def _scoped_sources():
    for label in PROJECT_APPS:
        root = settings.BASE_DIR / label
        for path in sorted(root.rglob("*.py")):
            # views.py and views_<area>.py alike; every module of a views/ or api/ package.
            if path.stem.split("_")[0] + ".py" in SCOPED_FILES or path.parent.name in (
                "views",
                "api",
            ):
                yield path


def test_views_api_exports_and_admin_start_from_for_user():
    offenders = []
    for path in _scoped_sources():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if UNSCOPED_QUERY.search(line) and "# unscoped:" not in line:
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    assert offenders == []


def test_migrations_are_up_to_date(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_fixed_roles_match_the_enum(db):
    from cdv.enums import RoleCode
    from cdv.models import Role

    assert set(Role.objects.values_list("code", flat=True)) == set(RoleCode.values)


# An identifier printed as a number gets French thousands separators (1 254 → "1 254"),
# which breaks ids, links and data attributes once a table passes 999 rows (as in CI on
# PostgreSQL): templates print identifiers with |unlocalize.
IDENTIFIANT_AFFICHE = re.compile(r"\{\{ *[a-zA-Z_.]+\.(?:pk|id|(?!auto_id)[a-z_]+_id) *\}\}")


def test_templates_print_identifiers_without_thousands_separators():
    fautifs = [
        f"{chemin}:{numero}: {ligne.strip()}"
        for chemin in sorted(Path(settings.BASE_DIR).glob("*/templates/**/*.html"))
        if ".venv" not in chemin.parts and "node_modules" not in chemin.parts
        for numero, ligne in enumerate(chemin.read_text().splitlines(), 1)
        if IDENTIFIANT_AFFICHE.search(ligne)
    ]
    assert fautifs == []
