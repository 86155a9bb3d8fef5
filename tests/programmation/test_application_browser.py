"""A porteur applies to the open call through the real form in Chromium, then the agglo's
team takes the application into instruction and asks the funders for their opinion.
axe-core checks the call, the form (empty and with errors) and the action page."""

import re

import pytest
from playwright.sync_api import expect

from cdv.enums import NiveauObjectif, RoleCode
from programmation.models import Action, Priorite
from tests import factories
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.programmation.factories import AppelFactory, QuartierFactory, documents_valides

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def appel(db):
    contrat = factories.ContratFactory(nom="Contrat de ville de Carcassonne Agglo")
    pilier = factories.PilierFactory(contrat=contrat, nom="Cohésion sociale")
    orientation = factories.ObjectifFactory(pilier=pilier, intitule="Réussite éducative")
    objectif = factories.ObjectifFactory(
        pilier=pilier,
        parent=orientation,
        niveau=NiveauObjectif.OPERATIONNEL,
        intitule="Renforcer l'accompagnement à la scolarité",
    )
    factories.AxeTransversalFactory(contrat=contrat, nom="Jeunesse")
    QuartierFactory(contrat=contrat, nom="La Conte")
    appel = AppelFactory(contrat=contrat, titre="Appel à projets 2026")
    priorite = Priorite.objects.create(
        appel=appel, pilier=pilier, texte="Soutenir la scolarité des collégiens."
    )
    priorite.objectifs.add(objectif)
    return appel


def test_a_porteur_applies_and_the_agglo_takes_it_to_the_funders(page, appel):  # noqa: F811
    contrat = appel.contrat
    porteur = factories.UserFactory(
        email="presidente@asso.fr",
        organisation=factories.OrganisationFactory(nom="Association Quartiers Solidaires"),
        roles=[RoleCode.PORTEUR],
    )
    documents_valides(porteur.organisation)  # statutes, RIB… reused from earlier
    agent = factories.UserFactory(
        email="agent@agglo.fr",
        organisation=contrat.epci,
        roles=[RoleCode.ADMIN_PDV],
        contrats=[contrat],
    )

    log_in(page, porteur)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Appels à projets"
    ).click()
    page.get_by_role("link", name="Appel à projets 2026", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Appel à projets 2026")
    expect(page.get_by_text("Soutenir la scolarité des collégiens.")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Déposer une demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle demande")
    assert_no_axe_violations(page)

    page.get_by_label("Intitulé").fill("Soutien scolaire à La Conte")
    page.get_by_label("Description").fill("Ateliers hebdomadaires de soutien scolaire.")
    page.get_by_label("Objectifs de l'action").fill("Améliorer les résultats scolaires.")
    page.get_by_label("Objectif opérationnel").select_option(
        label="Renforcer l'accompagnement à la scolarité"
    )
    page.get_by_label("Jeunesse").check()
    page.get_by_label("Thématique ANCT").select_option(label="1.2 Soutien à la scolarité")
    page.get_by_label("Public visé").fill("Collégiens du quartier")
    page.get_by_label("Nombre de bénéficiaires prévus").fill("40")
    page.get_by_label("Part de femmes (%)").fill("52,5")
    page.get_by_label("Date de début").fill("2026-09-01")
    page.get_by_label("Date de fin").fill("2027-06-30")
    page.get_by_label("Lieux", exact=True).fill("Maison de quartier")
    quartiers = page.locator("#section-quartiers")
    quartiers.get_by_label("Quartier, ligne 1").select_option(label="La Conte")
    quartiers.get_by_label("Part de l'action (%), ligne 1").fill("100")
    indicateurs = page.locator("#section-indicateurs")
    indicateurs.get_by_label("Indicateur, ligne 1").fill("Élèves suivis")
    indicateurs.get_by_label("Cible, ligne 1").fill("40")
    financements = page.locator("#section-financements")
    financements.get_by_label("Financeur, ligne 1").select_option(label=contrat.epci.nom)
    financements.get_by_label("Montant demandé, ligne 1").fill("6 000")

    # Deposited without its budget: refused, every problem listed, the draft kept.
    page.get_by_role("button", name="Déposer la demande").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("ne peut pas encore être déposée")
    expect(summary).to_contain_text("Le budget prévisionnel doit comporter des charges.")
    expect(page.get_by_label("Intitulé")).to_have_value("Soutien scolaire à La Conte")
    assert_no_axe_violations(page)
    action = Action.objects.get()
    assert action.etat == "brouillon"

    budget = page.locator("#section-budget")
    for ligne, (compte, montant) in enumerate(
        [("64", "8 000"), ("61", "2 000"), ("74", "6 000"), ("70", "4 000")], 1
    ):
        budget.get_by_label(f"Compte, ligne {ligne}").select_option(compte)
        budget.get_by_label(f"Prévisionnel, ligne {ligne}").fill(montant)
    budget.get_by_label("Financeur, ligne 3").select_option(label=contrat.epci.nom)
    page.get_by_role("button", name="Déposer la demande").click()

    expect(page.get_by_text("Votre demande est déposée")).to_be_visible()
    expect(page.locator("#etat")).to_have_text("Déposée")
    expect(page.get_by_role("cell", name="Brouillon → Déposée")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, agent)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Actions"
    ).click()
    page.get_by_role("link", name="Soutien scolaire à La Conte").click()
    page.get_by_role("button", name="Prendre en instruction").click()
    expect(page.locator("#etat")).to_have_text("En instruction")
    page.get_by_role("button", name="Solliciter l'avis des financeurs").click()
    expect(page.locator("#etat")).to_have_text("Avis des financeurs")
    expect(page.get_by_role("cell", name="En instruction → Avis des financeurs")).to_be_visible()
    assert_no_axe_violations(page)

    action.refresh_from_db()
    assert action.etat == "avis_financeurs"
    assert action.instructeur == agent
    assert re.fullmatch(r".*/programmation/actions/\d+/", page.url)
