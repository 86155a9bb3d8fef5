"""The PRE's budget: each funder's yearly budget against what the PRE spent (its shares of the
pathways' actions dated that year), on the page and in the workbook."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pre.models import BudgetPRE
from pre.selectors_parcours import budget_annuel
from tests import factories
from tests.pre.factories import EnfantFactory
from tests.pre.factories_parcours import ActionFactory, ParcoursFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def donnees(contrat, autre_contrat):
    caf = factories.OrganisationFactory(nom="CAF de l'Aude")
    etat = factories.OrganisationFactory(nom="ANCT")
    BudgetPRE.objects.create(contrat=contrat, annee=2026, financeur=caf, montant=Decimal("10000"))
    BudgetPRE.objects.create(contrat=contrat, annee=2026, financeur=etat, montant=Decimal("5000"))
    BudgetPRE.objects.create(contrat=contrat, annee=2025, financeur=etat, montant=Decimal("8000"))
    parcours = ParcoursFactory(enfant=EnfantFactory(contrat=contrat))
    ActionFactory(parcours=parcours, date=datetime.date(2026, 3, 2), cout=Decimal("120"),
                  part_famille=Decimal("12"), part_pre=Decimal("108"))  # fmt: skip
    ActionFactory(parcours=parcours, date=datetime.date(2026, 9, 1), cout=Decimal("1500"),
                  part_famille=Decimal("0"), part_pre=Decimal("1500"))  # fmt: skip
    ActionFactory(parcours=parcours, date=datetime.date(2025, 5, 1), cout=Decimal("300"),
                  part_famille=Decimal("0"), part_pre=Decimal("300"))  # fmt: skip
    # Another contract's spending never counts.
    ActionFactory(parcours=ParcoursFactory(enfant=EnfantFactory(contrat=autre_contrat)),
                  date=datetime.date(2026, 3, 2))  # fmt: skip
    return {"caf": caf, "etat": etat}


def test_budget_against_spent_by_hand(contrat, donnees):
    bilan = budget_annuel(contrat=contrat, annee=2026)
    # 2026: 10 000 + 5 000 budgeted; 108 + 1 500 spent; 13 392 left; 1 608 / 15 000 = 10,7 %.
    assert (bilan.total.budget, bilan.total.depense, bilan.total.reste) == (
        Decimal("15000"), Decimal("1608"), Decimal("13392"),
    )  # fmt: skip
    assert bilan.total.taux == Decimal("10.7")
    assert [(e.annee, e.budget, e.depense) for e in bilan.evolution] == [
        (2025, Decimal("8000"), Decimal("300")), (2026, Decimal("15000"), Decimal("1608")),
    ]  # fmt: skip


def test_the_page_and_the_workbook_show_the_same_figures(client, referent_pre, donnees):
    client.force_login(referent_pre)
    page = client.get(reverse("pre:budget") + "?annee=2026").content.decode()
    assert "15\u202f000,00\u00a0€" in page and "1\u202f608,00\u00a0€" in page
    assert "13\u202f392,00\u00a0€" in page and "CAF de l&#x27;Aude" in page
    response = client.get(reverse("pre:budget_excel") + "?annee=2026")
    classeur = load_workbook(BytesIO(response.content))
    lignes = classeur["Par année"].iter_rows(min_row=2, values_only=True)
    # 300 / 8 000 = 3,75 %, shown to the tenth of a point like the page: 3,8 %.
    assert [row for row in lignes if row[0]] == [
        (2025, 8000, 300, 7700, 0.038), (2026, 15000, 1608, 13392, 0.107),
    ]  # fmt: skip


def test_the_pre_staff_enter_a_funders_budget(client, referent_pre, contrat, donnees):
    client.force_login(referent_pre)
    url = reverse("pre:budget")
    data = {"annee": "2027", "financeur": donnees["caf"].pk, "montant": "12 500,50"}
    assert client.post(url, data).status_code == 302
    assert BudgetPRE.objects.get(annee=2027).montant == Decimal("12500.50")
    response = client.post(url, {**data, "montant": "-5"})
    assert response.status_code == 400
    assert BudgetPRE.objects.get(annee=2027).montant == Decimal("12500.50")
