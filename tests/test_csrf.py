"""CSRF on every form (issue 9 §4): a POST without the CSRF token is refused on every route,
whoever sends it, and changes nothing. The Open311 GeoReport endpoint is the one exemption:
residents' apps post without a session (its own API key and rate limit protect it)."""

import pytest
from django.apps import apps
from django.test import Client

from tests.routes import all_routes

ROUTES, _ = all_routes()
# Routes taking a POST from clients without a session cookie, hence without CSRF.
SANS_CSRF = {"open311:requests"}
PROJECT_APPS = ["cdv", "programmation", "quartiers", "gup", "pre", "citeslab"]


def _lignes():
    return {
        model._meta.label: model.objects.count()
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
    }


@pytest.fixture
def sans_jeton(superuser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    return client


def test_a_post_without_the_csrf_token_is_refused_everywhere(sans_jeton):
    avant = _lignes()
    acceptes = []
    for route in ROUTES:
        if route.name in SANS_CSRF:
            continue
        response = sans_jeton.post(route.url, {"nom": "Intrus"})
        # 403: the CSRF check; 405: the route takes no POST at all.
        if response.status_code not in (403, 405):
            acceptes.append((route.url, response.status_code))
    assert acceptes == []
    # Counted once for all the routes: no table gained, lost or changed a row count.
    assert _lignes() == avant


def test_the_refusal_says_in_french_that_nothing_was_saved(sans_jeton):
    response = sans_jeton.post("/organisation/inviter/", {"email": "x@exemple.fr"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formulaire expiré" in html and "Rien n'a été enregistré." in html
    assert "Se déconnecter" in html  # the site's own header, the user still signed in
