"""Late payments: the advance not paid 60 days after the signature, the balance still due
60 days after the bilan was validated; the page of the contract's team and its query count."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programmation.enums import EtatAction
from programmation.models import Convention, MontantAnnuel, TransitionAction
from programmation.selectors import versements_en_retard
from tests.programmation.factories import (
    ActionFactory,
    ConventionFactory,
    VersementFactory,
    mettre_a_l_etat,
)
from tests.programmation.test_suivi_pages import (  # noqa: F401 (fixtures)
    page,
    personas,
    rangees,
    refused,
)

pytestmark = pytest.mark.django_db


def _jour(jours):
    return timezone.localdate() - datetime.timedelta(days=jours)


def _convention(contrat, intitule, signee_il_y_a, etat=EtatAction.CONVENTIONNEE, **kwargs):
    action = mettre_a_l_etat(ActionFactory(appel__contrat=contrat, intitule=intitule), etat)
    return ConventionFactory(
        action=action, date_signature=_jour(signee_il_y_a), montant=Decimal("5000"), **kwargs
    )


@pytest.fixture
def retards(contrat, autre_contrat, agent_agglo):
    avance = _convention(contrat, "Avance attendue", 100)
    _convention(contrat, "Signée le mois dernier", 30)
    solde = _convention(contrat, "Solde attendu", 200, etat=EtatAction.SOLDEE)
    VersementFactory(convention=solde, montant=Decimal("1000"), date=_jour(180))
    TransitionAction.objects.create(
        action=solde.action, code="valider_bilan", etat_avant=EtatAction.BILAN_DEPOSE,
        etat_apres=EtatAction.SOLDEE, auteur=agent_agglo,
        date=timezone.now() - datetime.timedelta(days=90),
    )  # fmt: skip
    paye = _convention(contrat, "Tout versé", 200, etat=EtatAction.SOLDEE)
    VersementFactory(convention=paye, montant=Decimal("5000"), date=_jour(150))
    _convention(contrat, "Abandonnée", 200, etat=EtatAction.ABANDONNEE)
    cpo = _convention(contrat, "Convention pluriannuelle", 100, pluriannuelle=True)
    annee = timezone.localdate().year
    MontantAnnuel.objects.create(convention=cpo, annee=annee, montant=Decimal("3000"))
    MontantAnnuel.objects.create(convention=cpo, annee=annee + 1, montant=Decimal("2000"))
    _convention(autre_contrat, "Narbonne, en retard", 100)
    return {"avance": avance, "solde": solde, "cpo": cpo}


def test_it_finds_the_late_advances_and_balances(retards, contrat):
    conventions = Convention.objects.filter(action__appel__contrat=contrat)
    found = versements_en_retard(conventions, today=timezone.localdate())
    assert [(r.convention, r.motif, r.jours_de_retard, r.du, r.verse, r.reste) for r in found] == [
        # The latest first. Signed 100 days ago, nothing paid: 40 days past the 60 allowed;
        # the CPO owes this year's 3 000 € only.
        (retards["avance"], "avance", 40, Decimal("5000"), Decimal("0"), Decimal("5000")),
        (retards["cpo"], "avance", 40, Decimal("3000"), Decimal("0"), Decimal("3000")),
        # The bilan validated 90 days ago, 1 000 € paid: 30 days late, 4 000 € left.
        (retards["solde"], "solde", 30, Decimal("5000"), Decimal("1000"), Decimal("4000")),
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("agent_agglo", 200), ("porteur", 403), ("partenaire_etat", 403), ("lecteur", 403),
     ("anonyme", "login")],
)  # fmt: skip
def test_the_late_payments_are_for_the_contracts_team(client, db, personas, persona, status):  # noqa: F811
    url = reverse("programmation:versements_en_retard")
    assert refused(client, personas(persona), url) == status


def test_the_page_lists_them_with_a_constant_number_of_queries(
    client, retards, agent_agglo, contrat, django_assert_num_queries
):
    response, html = page(client, agent_agglo, "versements_en_retard")
    rows = rangees(html, 'id="versements-en-retard"')
    assert [row.split(" ")[0] for row in rows] == ["Avance", "Convention", "Solde"]
    assert "3 conventions en retard de versement" in html
    assert "Narbonne" not in html

    client.force_login(agent_agglo)
    url = reverse("programmation:versements_en_retard")
    # 1 session, 2 user, 3 user's roles, 4 current contract, 5 conventions with their
    # action, porteur, funder and sums, 6 contracts of the switcher, 7 user's organisation.
    with django_assert_num_queries(7):
        client.get(url)
    for n in range(3):
        _convention(contrat, f"Encore en retard {n}", 120)
    with django_assert_num_queries(7):
        assert "6 conventions en retard" in client.get(url).content.decode()
