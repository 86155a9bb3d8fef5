"""The signalements' pages in the system Chromium: the list, a problem's page with its step
forms and the creation form with its errors have nothing for axe-core to fix."""

import pytest
from playwright.sync_api import expect

from cdv.enums import RoleCode
from gup.enums import EtatSignalement
from tests import factories
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.gup.factories import CategorieFactory, DiagnosticFactory, SignalementFactory
from tests.programmation.factories import QuartierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def monde(db):
    contrat = factories.ContratFactory(nom="Contrat de ville de Carcassonne Agglo")
    bailleur = factories.OrganisationFactory(bailleur=True, nom="Habitat Audois")
    quartier = QuartierFactory(contrat=contrat, nom="La Conte")
    categorie = CategorieFactory(
        contrat=contrat, code="parties_communes", libelle="Parties communes",
        organisation_responsable=bailleur,
    )  # fmt: skip
    diagnostic = DiagnosticFactory(quartier=quartier)
    probleme = SignalementFactory(
        quartier=quartier, categorie=categorie, diagnostic=diagnostic,
        organisation_responsable=bailleur, adresse="3 rue Buffon",
        description="Porte du hall B cassée",
    )  # fmt: skip
    SignalementFactory(
        quartier=quartier, categorie=categorie, etat=EtatSignalement.TRANSMIS,
        organisation_responsable=bailleur, adresse="Parking Ozanam",
    )  # fmt: skip
    coordinateur = factories.UserFactory(
        email="gup@agglo.fr", organisation=contrat.epci, roles=[RoleCode.COORDINATEUR_GUP],
        contrats=[contrat],
    )  # fmt: skip
    return {"probleme": probleme, "coordinateur": coordinateur}


def test_the_signalements_pages_are_accessible(page, monde):  # noqa: F811
    log_in(page, monde["coordinateur"])

    page.goto("/gup/signalements/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signalements")
    table = page.get_by_role("table", name="Signalements correspondant aux critères")
    expect(table.get_by_role("row")).to_have_count(3)
    page.get_by_label("Recherche (description, adresse, numéro)").fill("ozanam")
    page.get_by_role("button", name="Filtrer").click()
    expect(table.get_by_role("row")).to_have_count(2)
    assert_no_axe_violations(page)

    page.goto(f"/gup/signalements/{monde['probleme'].pk}/")
    etapes = page.get_by_role("region", name="Suite à donner")
    expect(
        etapes.get_by_role("button", name="Transmettre à l'organisation responsable")
    ).to_be_visible()
    expect(etapes.get_by_role("combobox", name="Organisation responsable")).to_have_value(
        str(monde["probleme"].organisation_responsable_id)
    )
    assert_no_axe_violations(page)
    # "Clore sans suite" needs a comment: refused in French next to the field.
    clore = page.locator("form", has=page.get_by_role("button", name="Clore sans suite"))
    clore.get_by_role("button", name="Clore sans suite").click()
    expect(page.get_by_text("Expliquez cette étape en quelques mots.").first).to_be_visible()
    expect(page.locator("#etat")).to_have_text("Nouveau")
    assert_no_axe_violations(page)

    page.goto("/gup/signalements/nouveau/")
    page.get_by_role("button", name="Enregistrer le signalement").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Le formulaire contient des erreurs")
    expect(summary).to_contain_text("Décrivez le problème constaté.")
    assert_no_axe_violations(page)
