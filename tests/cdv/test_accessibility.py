"""Pages checked by axe-core in the system Chromium, and by keyboard.

Every user reaches the platform through these pages: the sign-in, the password reset, the
home of each role, and the admin PDV's contract and governance pages.
"""

import datetime

import pytest
from django.conf import settings
from playwright.sync_api import expect, sync_playwright

from cdv.enums import NiveauObjectif, RoleCode
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A tab on the live server; whatever the test did, nothing it loaded broke the Content
    Security Policy (the browser reports each refusal on the console)."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    refus = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and refus.append(message.text),
    )
    yield page
    context.close()
    assert refus == [], "the page broke its Content Security Policy"


@pytest.fixture
def contrat_complet(db):
    contrat = factories.ContratFactory(nom="Contrat de ville de Carcassonne Agglo")
    pilier = factories.PilierFactory(contrat=contrat, nom="Cohésion sociale")
    orientation = factories.ObjectifFactory(pilier=pilier)
    factories.ObjectifFactory(pilier=pilier, parent=orientation, niveau=NiveauObjectif.OPERATIONNEL)
    factories.SignataireFactory(contrat=contrat, date_signature=datetime.date(2024, 3, 15))
    factories.AxeTransversalFactory(contrat=contrat)
    instance = factories.InstanceFactory(contrat=contrat)
    factories.ReunionFactory(instance=instance, date=datetime.date(2024, 6, 12))
    factories.ReunionFactory(instance=instance, date=datetime.date(2099, 1, 15))
    # A second contract, so that the header shows the contract switcher.
    factories.ContratFactory(nom="Contrat de ville de Limoux", epci=contrat.epci)
    return contrat


def persona(role, contrat):
    user = factories.UserFactory(
        email=f"{role}@exemple.fr",
        roles=[role],
        contrats=list(contrat.epci.contrats_portes.all()),
        est_admin_organisation=True,
    )
    factories.UserFactory(organisation=user.organisation, roles=[role])
    return user


def log_in(page, user):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/connexion/" not in url)


def _serve_axe(route):
    route.fulfill(path=str(AXE), content_type="application/javascript")


def assert_no_axe_violations(page):
    # A page just reached by a click may still be running its deferred scripts.
    page.wait_for_load_state("load")
    assert page.evaluate("typeof htmx") == "object", "htmx did not load from static files"
    # Served from the page's own origin: the Content Security Policy refuses inline scripts.
    page.context.route("**/__axe__.js", _serve_axe)
    page.add_script_tag(url="/__axe__.js")
    violations = page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map(
                    n => ({target: n.target, html: n.html, summary: n.failureSummary})
                ),
            }));
        }"""
    )
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {n['target']} {n['html']}\n      {n['summary']}" for n in v["nodes"])
        for v in violations
    )
    assert violations == [], f"{page.url}\n{report}"


def test_it_has_an_accessible_login_page(page):
    page.goto("/connexion/")
    assert page.title() == "Connexion — cdv, Contrat de ville"
    assert_no_axe_violations(page)
    # The styles load: the header is painted in the application's blue.
    header = page.locator(".site-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(27, 58, 107)"


def test_it_has_an_accessible_login_page_with_errors(page):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill("personne@exemple.fr")
    page.get_by_label("Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(page)


def test_it_has_an_accessible_password_reset_page(page):
    page.goto("/mot-de-passe/oubli/")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("role", RoleCode.values)
def test_it_has_an_accessible_home_for_each_role(page, contrat_complet, role):
    user = persona(role, contrat_complet)
    log_in(page, user)
    # The PDV team and the partners land on the dashboard; the home is one click away.
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Bonjour Camille"
    expect(page.locator(f"#section-{role}")).to_be_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize(
    "path",
    ["/contrat/", "/gouvernance/", "/organisation/", "/organisation/inviter/", "/inconnue/"],
)
def test_it_has_accessible_pages_for_the_admin_pdv(page, contrat_complet, path):
    log_in(page, persona(RoleCode.ADMIN_PDV, contrat_complet))
    page.goto(path)
    assert_no_axe_violations(page)


def test_it_has_an_accessible_invitation_form_with_errors(page, contrat_complet):
    log_in(page, persona(RoleCode.PORTEUR, contrat_complet))
    page.goto("/organisation/inviter/")
    page.get_by_label("Adresse électronique").fill("porteur@exemple.fr")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    erreur = page.get_by_text("Une personne utilise déjà cette adresse électronique.")
    expect(erreur).to_be_visible()
    assert_no_axe_violations(page)


def test_it_focuses_the_skip_link_first_and_jumps_to_the_content(page, contrat_complet):
    log_in(page, persona(RoleCode.ADMIN_PDV, contrat_complet))
    page.goto("/contrat/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
