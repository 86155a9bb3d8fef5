"""Accounts and headers (issue 9 §5): sign-in throttling, password rules, session expiry,
security headers with a Content Security Policy without inline code."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests import factories

LOGIN = reverse("login")


@pytest.fixture
def throttling(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def _sign_in(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def test_an_account_is_locked_after_repeated_failures_then_says_so_in_french(
    client, agent_agglo, throttling
):
    for _ in range(2):
        response = _sign_in(client, agent_agglo.email, "mauvais")
        assert response.status_code == 200
        assert "Adresse électronique ou mot de passe incorrect" in response.content.decode()
    # The third failure reaches the limit: locked, even with the right password afterwards.
    assert _sign_in(client, agent_agglo.email, "mauvais").status_code == 429
    response = _sign_in(client, agent_agglo.email, factories.DEFAULT_PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Connexion suspendue" in html
    assert "la connexion est suspendue pendant 15 minutes" in html
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_one_account_only(client, agent_agglo, lecteur, throttling):
    for _ in range(3):
        _sign_in(client, agent_agglo.email, "mauvais")
    response = _sign_in(client, lecteur.email, factories.DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(lecteur.pk)


def test_a_success_before_the_limit_clears_the_failures(client, agent_agglo, throttling):
    _sign_in(client, agent_agglo.email, "mauvais")
    _sign_in(client, agent_agglo.email, "mauvais")
    assert _sign_in(client, agent_agglo.email, factories.DEFAULT_PASSWORD).status_code == 302
    client.logout()
    _sign_in(client, agent_agglo.email, "mauvais")
    _sign_in(client, agent_agglo.email, "mauvais")
    assert _sign_in(client, agent_agglo.email, factories.DEFAULT_PASSWORD).status_code == 302


def _reset_form(client, user):
    """The password reset link of `user`, followed: the URL of the form choosing a password."""
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.search(r"https?://\S+/mot-de-passe/nouveau/\S+/", mail.outbox[-1].body).group(0)
    response = client.get(urlsplit(link).path, follow=True)
    return response.redirect_chain[-1][0]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Court-2030", "Il doit contenir au minimum 12 caractères."),
        ("password1234", "Ce mot de passe est trop courant."),
        ("20302030203020", "Ce mot de passe est entièrement numérique."),
    ],
)
def test_a_weak_new_password_is_refused_in_french_and_changes_nothing(
    client, agent_agglo, password, message
):
    form = _reset_form(client, agent_agglo)
    response = client.post(form, {"new_password1": password, "new_password2": password})
    assert message in response.content.decode()
    agent_agglo.refresh_from_db()
    assert agent_agglo.check_password(factories.DEFAULT_PASSWORD)


def test_a_reset_link_works_once(client, agent_agglo):
    form = _reset_form(client, agent_agglo)
    fort = "Quartiers-2030!"
    client.post(form, {"new_password1": fort, "new_password2": fort})
    agent_agglo.refresh_from_db()
    assert agent_agglo.check_password(fort)
    client.logout()
    response = client.get(form, follow=True)
    assert "new_password1" not in response.content.decode()


def test_a_session_ends_after_a_working_day_and_with_the_browser(client, agent_agglo):
    response = _sign_in(client, agent_agglo.email, factories.DEFAULT_PASSWORD)
    # A browser-session cookie (no Max-Age), and a server-side end 8 hours later.
    assert response.cookies["sessionid"]["max-age"] == ""
    session = client.session
    assert session.get_expire_at_browser_close()
    restant = session.get_expiry_date() - timezone.now()
    assert datetime.timedelta(hours=7, minutes=59) < restant <= datetime.timedelta(hours=8)


def test_pages_carry_a_content_security_policy_without_inline_code(client, agent_agglo):
    client.force_login(agent_agglo)
    response = client.get(reverse("home"))
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_public_pages_carry_it_too(client, db):
    response = client.get(LOGIN)
    assert "script-src 'self'" in response["Content-Security-Policy"]
