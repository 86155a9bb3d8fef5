"""CitésLab's people pages in the system Chromium: axe-core finds nothing to fix on a
beneficiary's record and on the identity form showing its errors."""

import datetime

import pytest
from playwright.sync_api import expect

from cdv.enums import RoleCode
from tests import factories
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.citeslab.factories import (
    BeneficiaireFactory,
    CreationFactory,
    OrientationFactory,
    ProjetFactory,
    RencontreFactory,
)
from tests.programmation.factories import QuartierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chargee(db):
    contrat = factories.ContratFactory(nom="Contrat de ville de Carcassonne Agglo")
    user = factories.UserFactory(
        email="charge@citeslab.fr", roles=[RoleCode.CHARGE_CITESLAB], contrats=[contrat]
    )
    quartier = QuartierFactory(contrat=contrat, nom="La Conte")
    samira = BeneficiaireFactory(contrat=contrat, nom="Benali", prenom="Samira", quartier=quartier)
    projet = ProjetFactory(beneficiaire=samira, accompagne=True)
    OrientationFactory(projet=projet)
    CreationFactory(projet=ProjetFactory(beneficiaire=samira, cree=True), denomination="Saveurs")
    RencontreFactory(contrat=contrat, beneficiaires=[samira], date=datetime.date(2021, 3, 9))
    user.samira = samira
    return user


def test_the_record_and_the_form_are_accessible(page, chargee):  # noqa: F811
    log_in(page, chargee)
    page.goto("/citeslab/beneficiaires/")
    page.get_by_role("link", name="BENALI Samira").click()
    samira = chargee.samira
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bénéficiaire n° {samira.pk}")
    expect(page.get_by_text("Saveurs")).to_be_visible()
    expect(page.get_by_role("heading", name="Projets de création")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Modifier la fiche").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Modifier la fiche n° {samira.pk}")
    page.locator("#id_nom").fill("")
    page.get_by_label("La personne accepte que ses données soient enregistrées").uncheck()
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.get_by_role("alert")).to_contain_text("La fiche n'est pas enregistrée")
    expect(page.locator("#id_nom_error")).to_have_text("Indiquez le nom.")
    expect(page.locator("#id_consentement_error")).to_have_text(
        "Recueillez le consentement de la personne avant d'enregistrer ses données."
    )
    assert_no_axe_violations(page)
