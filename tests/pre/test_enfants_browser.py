"""The children pages in the system Chromium: axe-core finds nothing to fix on the list, a
child's record and the creation form showing its errors."""

import datetime

import pytest
from playwright.sync_api import expect

from cdv.enums import RoleCode
from pre.enums import EtatParcours
from pre.models import Parcours, ResponsableLegal
from tests import factories
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.pre.factories import EnfantFactory, ReperageFactory
from tests.programmation.factories import QuartierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def referente(db):
    contrat = factories.ContratFactory(nom="Contrat de ville de Carcassonne Agglo")
    user = factories.UserFactory(
        email="referente@pre.fr", roles=[RoleCode.REFERENT_PRE], contrats=[contrat]
    )
    quartier = QuartierFactory(contrat=contrat, nom="La Conte")
    lea = EnfantFactory(
        contrat=contrat, nom="Martinez", prenom="Léa", date_naissance=datetime.date(2015, 3, 14),
        quartier=quartier, niveau="cm1",
    )  # fmt: skip
    EnfantFactory(contrat=contrat, nom="Bernard", prenom="Noé", sexe="M")
    ResponsableLegal.objects.create(
        enfant=lea, lien="mere", nom="Martinez", prenom="Sophie", quotient_familial=620
    )
    reperage = ReperageFactory(enfant=lea, motifs=["resultats_scolaires"])
    Parcours.objects.create(
        enfant=lea, reperage=reperage, etat=EtatParcours.ACTIF,
        date_entree=datetime.date(2026, 10, 12),
    )  # fmt: skip
    user.lea = lea
    return user


def test_the_children_pages_are_accessible(page, referente):  # noqa: F811
    log_in(page, referente)
    page.goto("/pre/enfants/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enfants suivis par le PRE")
    expect(page.get_by_role("link", name="MARTINEZ Léa")).to_be_visible()
    expect(page.get_by_text("2 enfants.")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="MARTINEZ Léa").click()
    lea = referente.lea
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Enfant n° {lea.pk}")
    assert page.title().startswith(f"Enfant n° {lea.pk}")
    expect(page.get_by_text("620 €")).to_be_visible()
    assert_no_axe_violations(page)


def test_the_creation_form_shows_its_errors_accessibly(page, referente):  # noqa: F811
    log_in(page, referente)
    page.goto("/pre/enfants/nouveau/")
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_role("button", name="Enregistrer le dossier").click()
    expect(page.get_by_role("alert")).to_contain_text("Le dossier n'est pas enregistré")
    expect(page.locator("#id_nom_error")).to_have_text("Indiquez le nom de l'enfant.")
    expect(page.locator("#id_sexe_error")).to_have_text("Indiquez le sexe de l'enfant.")
    assert_no_axe_violations(page)
