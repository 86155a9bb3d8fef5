"""A commission's page in the system Chromium: the PRE's referent records a decision and
axe-core finds nothing to fix; the team's member reads the agenda."""

import datetime

import pytest
from playwright.sync_api import expect

from cdv.enums import RoleCode
from pre.models import SituationCommission
from tests import factories
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.pre.factories import CommissionFactory, EnfantFactory, EquipeFactory, ReperageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def commission(db):
    contrat = factories.ContratFactory(nom="Contrat de ville de Carcassonne Agglo")
    infirmiere = factories.UserFactory(
        email="infirmiere@college.fr", roles=[RoleCode.MEMBRE_EPS], contrats=[contrat]
    )
    commission = CommissionFactory(
        equipe=EquipeFactory(contrat=contrat, nom="Ouest", membres=[infirmiere]),
        date=datetime.date(2026, 10, 8),
    )
    lea = EnfantFactory(contrat=contrat, nom="Martinez", prenom="Léa")
    SituationCommission.objects.create(commission=commission, reperage=ReperageFactory(enfant=lea))
    ReperageFactory(enfant=EnfantFactory(contrat=contrat, nom="Petit", prenom="Sam"))
    return commission


def test_it_has_an_accessible_commission_page_for_the_referent(page, commission):  # noqa: F811
    referente = factories.UserFactory(
        email="referente@pre.fr",
        roles=[RoleCode.REFERENT_PRE],
        contrats=[commission.equipe.contrat],
    )
    log_in(page, referente)
    page.goto(f"/pre/eps/commissions/{commission.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Commission de l'EPS Ouest du 08/10/2026"
    )
    assert_no_axe_violations(page)

    enfant = commission.situations.get().reperage.enfant_id
    page.get_by_label("Décision (obligatoire)").select_option(label="Entrée en parcours")
    page.get_by_role("button", name=f"Enregistrer la décision pour l'enfant n° {enfant}").click()
    expect(page.get_by_text("Le parcours n° ")).to_be_visible()
    expect(page.get_by_role("cell", name="Entrée en parcours")).to_be_visible()
    assert_no_axe_violations(page)


def test_a_member_reads_the_agenda(page, commission):  # noqa: F811
    log_in(page, commission.equipe.membres.get())
    page.goto(f"/pre/eps/commissions/{commission.pk}/")
    expect(page.get_by_role("rowheader", name="Léa Martinez")).to_be_visible()
    expect(page.get_by_text("Sam Petit")).to_have_count(0)
    assert_no_axe_violations(page)
