"""The GUP's "Done when", in Chromium on the demo data of `make run`: a resident reports a
problem on the public page without an account, the GUP coordinator moderates it and
transmits it to the landlord Habitat Audois, the landlord's agent (the demo's intervenant
GUP) takes it in hand and solves it, and the resident's tracking link shows it solved and
takes their confirmation.

Only the demo is loaded directly (as `make run` does); every other step is what a user
clicks and types."""

import re

import pytest
from playwright.sync_api import expect

from cdv.demo.loader import demo_email, demo_load
from cdv.enums import RoleCode
from gup.enums import EtatSignalement, SourceSignalement
from gup.models import Signalement
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    page,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo"
DESCRIPTION = "La porte du hall C ne ferme plus depuis lundi, elle claque la nuit."


@pytest.fixture
def demo(transactional_db):
    demo_load(password=PASSWORD)


def log_in(tab, role):
    tab.goto("/connexion/")
    tab.get_by_label("Adresse électronique").fill(demo_email(role))
    tab.get_by_label("Mot de passe").fill(PASSWORD)
    tab.get_by_role("button", name="Se connecter").click()
    tab.wait_for_url(lambda url: "/connexion/" not in url)


def test_a_residents_report_goes_from_the_public_page_to_its_resolution_by_a_landlord(
    demo,
    browser,  # noqa: F811
    live_server,
):
    def onglet():
        context = browser.new_context(base_url=live_server.url, locale="fr-FR")
        return context.new_page()

    # 1. A resident, without an account.
    habitant = onglet()
    habitant.goto("/gup/signaler/")
    habitant.get_by_label("Type de problème").select_option(label="Parties communes (bailleur)")
    habitant.get_by_label("Description du problème").fill(DESCRIPTION)
    habitant.get_by_label("Quartier (obligatoire)").select_option(label="La Conte – Ozanam")
    habitant.get_by_label("Adresse ou repère").fill("Hall C, 3 rue Buffon")
    habitant.get_by_label("Votre adresse électronique").fill("habitante@exemple.fr")
    habitant.get_by_role("button", name="Envoyer le signalement").click()
    habitant.wait_for_url(re.compile(r"/gup/suivi/[\w-]+/$"))
    lien_de_suivi = habitant.url
    expect(habitant.get_by_role("heading", name="Suivi de votre signalement")).to_be_visible()
    assert_no_axe_violations(habitant)
    signalement = Signalement.objects.get(description=DESCRIPTION)
    assert signalement.source == SourceSignalement.HABITANT
    assert signalement.etat == EtatSignalement.NOUVEAU

    # 2. The GUP coordinator moderates it and transmits it to the landlord.
    coordination = onglet()
    log_in(coordination, RoleCode.COORDINATEUR_GUP)
    coordination.goto("/gup/moderation/")
    carte = coordination.locator("article", has_text=DESCRIPTION)
    carte.get_by_label("Transmettre à l'organisation responsable").check()
    carte.get_by_label("Organisation responsable", exact=True).select_option(label="Habitat Audois")
    carte.get_by_role("button", name="Enregistrer la décision").click()
    expect(coordination.locator("article", has_text=DESCRIPTION)).to_have_count(0)

    # 3. The landlord's agent takes it in hand, then solves it.
    bailleur = onglet()
    log_in(bailleur, RoleCode.INTERVENANT_GUP)
    bailleur.goto("/gup/signalements/")
    bailleur.get_by_role("link", name=f"N° {signalement.pk}", exact=True).click()
    expect(bailleur.get_by_text(DESCRIPTION)).to_be_visible()
    bailleur.get_by_role("button", name="Prendre en charge").click()
    bailleur.get_by_role("button", name="Déclarer résolu").click()
    historique = bailleur.get_by_role("table", name=re.compile("Historique"))
    expect(historique).to_contain_text("Déclarer résolu")
    assert_no_axe_violations(bailleur)
    signalement.refresh_from_db()
    assert signalement.etat == EtatSignalement.RESOLU
    assert signalement.organisation_responsable.nom == "Habitat Audois"

    # 4. The resident's link shows it solved and asks whether it really is.
    habitant.goto(lien_de_suivi)
    question = habitant.get_by_role("heading", name="Le problème est-il vraiment réglé ?")
    expect(question).to_be_visible()
    habitant.get_by_role("button", name="Oui, c'est réglé").click()
    expect(habitant.get_by_text("Vous avez confirmé que le problème est réglé.")).to_be_visible()
    signalement.refresh_from_db()
    assert signalement.resolution_confirmee is True
