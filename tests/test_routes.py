"""Anonymous users are refused on every route except those declared public here."""

import pytest

from tests.routes import all_routes

# The routes an anonymous visitor may use. Any other route must refuse them.
PUBLIC_ROUTES = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    "admin:login",
    # Residents' reports without an account, and the Open311 GeoReport v2 endpoint.
    "gup:public_signaler",
    "gup:public_suivi",
    "open311:discovery",
    "open311:services",
    "open311:service_definition",
    "open311:requests",
    "open311:request_detail",
    # Granted subsidies published as open data (SCDL), once staff publish a year.
    "programmation:opendata_subventions_csv",
    "api-programmation-opendata",
    "api-programmation-opendata-csv",
}
# Public routes whose sample URL names nothing real (an unknown tracking token, an Open311
# call without its jurisdiction): the visitor gets that answer, never the login page.
PUBLIC_WITHOUT_SAMPLE = {
    "gup:public_suivi": 404,
    "open311:services": 400,
    "open311:service_definition": 400,
    "open311:requests": 400,
    "open311:request_detail": 400,
    "programmation:opendata_subventions_csv": 404,
    "api-programmation-opendata-csv": 404,
}

ROUTES, UNNAMED = all_routes()


def test_every_route_has_a_name():
    assert UNNAMED == []


def test_the_public_routes_exist():
    assert PUBLIC_ROUTES <= {route.name for route in ROUTES}


def _refused(response):
    if response.status_code in (401, 403):
        return True
    if response.status_code == 302:
        location = response["Location"]
        return "/connexion/" in location or "/admin/login/" in location
    return False


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_anonymous_access(client, db, route):
    response = client.get(route.url)
    if route.name in PUBLIC_WITHOUT_SAMPLE:
        assert response.status_code == PUBLIC_WITHOUT_SAMPLE[route.name], route.url
    elif route.name in PUBLIC_ROUTES:
        assert response.status_code in (200, 302), (route.url, response.status_code)
        if response.status_code == 302:
            assert not _refused(response)
    else:
        assert _refused(response), (route.url, response.status_code)
