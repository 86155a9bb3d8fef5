"""API tokens for partner systems: the page « Mon jeton d'API » (generate, shown once,
regenerate, revoke), `Authorization: Token …` with exactly the user's scope, refusals of
bad tokens, and the back office where only superusers see tokens."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from cdv import services_token
from programmation.enums import EtatAction
from programmation.models import TransitionAction
from tests.programmation.factories import ActionFactory, AppelFactory, mettre_a_l_etat

PAGE = "/compte/jeton-api/"
REVOKE = "/compte/jeton-api/revoquer/"
ACTIONS = "/api/v1/programmation/actions/"


def _token(key):
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


@pytest.fixture
def api():
    """A partner system: no session, and CSRF checked as a browser's would be."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def actions(contrat, porteur, outsider, partenaire_etat):
    """Two deposited actions of the contract: the porteur's, and another association's."""
    appel = AppelFactory(contrat=contrat)
    mine = ActionFactory(appel=appel, porteur=porteur.organisation, intitule="Soutien scolaire")
    other = ActionFactory(appel=appel, porteur=outsider.organisation, intitule="Autre action")
    for action in (mine, other):
        mettre_a_l_etat(action, EtatAction.DEPOSEE)
    return mine, other


# The page ---------------------------------------------------------------------------------


def test_it_says_there_is_no_token_yet(client, porteur):
    client.force_login(porteur)

    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Vous n'avez pas de jeton d'API." in html
    assert "Mon jeton d&#x27;API" in html  # in the menu too


def test_it_generates_a_token_and_shows_its_key_once(client, porteur):
    client.force_login(porteur)

    response = client.post(PAGE)

    token = Token.objects.get(user=porteur)
    assert token.key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    again = client.get(PAGE).content.decode()
    assert token.key not in again
    assert "Vous avez un jeton d'API, créé le" in again


def test_regenerating_replaces_the_previous_key(client, api, porteur):
    old = services_token.token_regenerate(user=porteur).key
    client.force_login(porteur)

    client.post(PAGE)

    new = Token.objects.get(user=porteur).key
    assert new != old
    assert api.get("/api/v1/moi/", **_token(old)).status_code in (401, 403)
    assert api.get("/api/v1/moi/", **_token(new)).json()["email"] == porteur.email


def test_revoking_ends_the_access(client, api, porteur):
    key = services_token.token_regenerate(user=porteur).key
    client.force_login(porteur)

    response = client.post(REVOKE, follow=True)

    assert "Votre jeton d&#x27;API est révoqué" in response.content.decode()
    assert not Token.objects.filter(user=porteur).exists()
    assert api.get("/api/v1/moi/", **_token(key)).status_code in (401, 403)


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    assert "/connexion/" in client.get(PAGE)["Location"]
    assert "/connexion/" in client.post(PAGE)["Location"]
    assert not Token.objects.exists()


# Token authentication ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "intitules"),
    [
        ("porteur", {"Soutien scolaire"}),
        ("agent_agglo", {"Soutien scolaire", "Autre action"}),
        ("agent_autre_contrat", set()),
    ],
)
def test_a_token_carries_exactly_its_users_scope(client, api, request, actions, persona, intitules):
    user = request.getfixturevalue(persona)
    key = services_token.token_regenerate(user=user).key
    client.force_login(user)

    by_token = api.get(ACTIONS, **_token(key)).json()
    by_session = client.get(ACTIONS).json()

    assert {row["intitule"] for row in by_token["results"]} == intitules
    assert by_token == by_session


def test_a_bad_token_is_refused_in_french(api, actions):
    response = api.get(ACTIONS, **_token("0" * 40))

    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Token non valide."


def test_an_inactive_users_token_is_refused(api, actions, porteur):
    key = services_token.token_regenerate(user=porteur).key
    porteur.is_active = False
    porteur.save()

    response = api.get(ACTIONS, **_token(key))

    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Utilisateur inactif ou supprimé."


def test_a_partner_system_takes_a_step_with_its_token(api, actions, agent_agglo):
    mine, _ = actions
    key = services_token.token_regenerate(user=agent_agglo).key

    response = api.post(
        f"{ACTIONS}{mine.pk}/transitions/",
        {"code": "instruire"},
        content_type="application/json",
        **_token(key),
    )

    assert response.status_code == 200, response.content
    assert response.json()["etat"] == "en_instruction"
    assert TransitionAction.objects.get(action=mine).auteur == agent_agglo


def test_a_session_still_needs_its_csrf_token_to_write(api, actions, agent_agglo):
    mine, _ = actions
    api.force_login(agent_agglo)

    response = api.post(
        f"{ACTIONS}{mine.pk}/transitions/", {"code": "instruire"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# The back office --------------------------------------------------------------------------


def test_superusers_manage_tokens_in_the_admin(client, superuser, porteur):
    token = services_token.token_regenerate(user=porteur)
    client.force_login(superuser)

    response = client.get("/admin/authtoken/tokenproxy/")

    assert response.status_code == 200
    assert str(porteur) in response.content.decode()
    assert token.key in response.content.decode()
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 200
    assert client.get(f"/admin/authtoken/tokenproxy/{porteur.pk}/change/").status_code == 200


def test_other_staff_never_see_tokens(client, agent_agglo, porteur):
    token = services_token.token_regenerate(user=porteur)
    client.force_login(agent_agglo)

    response = client.get("/admin/authtoken/tokenproxy/")

    assert response.status_code in (302, 403)
    assert token.key not in response.content.decode()
    index = client.get("/admin/")
    assert "tokenproxy" not in index.content.decode()
