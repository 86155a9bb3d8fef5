"""The demo's 2016–2022 programming of the 2015 contract, generated and imported.

The figures are the final evaluation's (carcassonne-figures.md, « Programmation »):
actions per year 58 · 74 · 74 · 85 · 78 · 83 · 93 (545 in all) and crédits spécifiques
granted per year 760 · 1 000 · 844 · 969 · 1 096 · 1 122 · 1 108 k€ (6 899 000 € in all;
the report's own total, 6 904 173 €, does not reconcile with its rounded yearly figures).
The bilan page, the API and the workbook must each show them.
"""

import io
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from cdv.demo import historique
from cdv.formats import montant
from cdv.models import User
from programmation import selectors
from programmation.enums import EtatAction, NatureFinancement
from programmation.models import Action, Financement, Versement
from tests.cdv.test_demo import contrat_2015, load_demo

D = Decimal
NB_ACTIONS = {2016: 58, 2017: 74, 2018: 74, 2019: 85, 2020: 78, 2021: 83, 2022: 93}
CREDITS = {
    2016: D("760000.00"),
    2017: D("1000000.00"),
    2018: D("844000.00"),
    2019: D("969000.00"),
    2020: D("1096000.00"),
    2021: D("1122000.00"),
    2022: D("1108000.00"),
}
PERIODE = {"annee_min": 2016, "annee_max": 2022}
LA_CONTE = "QP011002"


def _actions(rows):
    actions = defaultdict(list)
    for row in rows:
        actions[(row["annee"], row["porteur_siret"], row["intitule"])].append(row)
    return actions


def test_the_generator_gives_the_same_rows_with_the_reports_figures():
    rows = historique.rows()
    assert rows == historique.rows()
    actions = _actions(rows)
    assert {
        annee: sum(1 for key in actions if key[0] == annee) for annee in NB_ACTIONS
    } == NB_ACTIONS
    specifiques = defaultdict(D)
    for row in rows:
        if row["nature"] == NatureFinancement.SPECIFIQUE.label:
            specifiques[row["annee"]] += row["montant_accorde"]
    assert dict(specifiques) == CREDITS
    for (annee, siret, intitule), lignes in actions.items():
        renouvelee = lignes[0]["reconduction"] == "oui"
        if renouvelee and annee > 2016:
            assert (annee - 1, siret, intitule) in actions, intitule
    for annee, total in NB_ACTIONS.items():
        reconduites = sum(
            1
            for key, lignes in actions.items()
            if key[0] == annee and lignes[0]["reconduction"] == "oui"
        )
        assert 0.70 <= reconduites / total <= 0.80, annee


@pytest.fixture
def demo(db, monkeypatch):
    return load_demo(monkeypatch)


@pytest.fixture
def agent(demo, client):
    """The demo PDV agent, working on the 2015 contract."""
    user = User.objects.get(email="admin-pdv@demo.cdv.local")
    client.force_login(user)
    client.post(reverse("contrat_choose"), {"contrat": contrat_2015().pk})
    return user


def test_the_bilan_page_api_and_workbook_show_the_reports_figures(client, agent):
    contrat = contrat_2015()

    # The page: the yearly table, its raw values and the amounts as displayed.
    html = client.get(reverse("programmation:bilan"), PERIODE).content.decode()
    page = {
        int(annee): (int(nb), D(credits), affiche)
        for annee, nb, credits, affiche in re.findall(
            r'<th scope="row" data-value="(\d{4})">\d{4}</th>\s*'
            r'<td class="number" data-serie="actions" data-value="(\d+)">\d+</td>\s*'
            r'<td class="number" data-serie="credits" data-value="([\d.]+)">([^<]+)</td>',
            html,
        )
    }
    assert {annee: nb for annee, (nb, _, _) in page.items()} == NB_ACTIONS
    assert {annee: credits for annee, (_, credits, _) in page.items()} == CREDITS
    assert {annee: affiche for annee, (_, _, affiche) in page.items()} == {
        annee: montant(credits) for annee, credits in CREDITS.items()
    }
    assert montant(D("6899000")) in html

    # The API.
    response = client.get("/api/v1/programmation/bilan/", {"contrat": contrat.pk, **PERIODE})
    data = response.json()
    assert {a["annee"]: a["nb_actions"] for a in data["annees"]} == NB_ACTIONS
    assert {a["annee"]: D(a["credits_specifiques"]) for a in data["annees"]} == CREDITS
    assert (data["totaux"]["nb_actions"], data["totaux"]["credits_specifiques"]) == (
        545,
        "6899000.00",
    )

    # The workbook.
    response = client.get(reverse("programmation:bilan_excel"), PERIODE)
    sheet = load_workbook(io.BytesIO(response.content))["Synthèse par année"]
    lignes = list(sheet.iter_rows(min_row=2, max_row=8, values_only=True))
    assert {row[0]: row[1] for row in lignes} == NB_ACTIONS
    assert {row[0]: D(str(row[2])) for row in lignes} == CREDITS


def test_the_history_is_renewed_paid_and_spread_as_the_report_says(agent):
    contrat = contrat_2015()
    actions = Action.objects.filter(appel__contrat=contrat)
    assert set(actions.values_list("etat", flat=True)) == {EtatAction.SOLDEE}

    # Renewals link to last year's action of the same porteur and title.
    for action in actions.filter(est_reconduction=True, appel__annee__gt=2016).select_related(
        "appel", "reconduction_de__appel"
    ):
        precedente = action.reconduction_de
        assert precedente is not None, action
        assert (precedente.appel.annee, precedente.porteur_id, precedente.intitule) == (
            action.appel.annee - 1,
            action.porteur_id,
            action.intitule,
        )

    # Everything granted was paid, as "solde" payments.
    accorde = Financement.objects.filter(action__in=actions).aggregate(s=Sum("montant_accorde"))
    verse = Versement.objects.filter(convention__action__in=actions).aggregate(s=Sum("montant"))
    assert accorde["s"] == verse["s"] > CREDITS[2016]

    bilan = selectors.bilan_physico_financier(
        contrat=contrat, annee_min=2016, annee_max=2022, user=agent
    )
    # Cohésion sociale: 64 % of the credits (the pillars' yearly targets in hundreds of euros).
    assert {p.nom: p.part for p in bilan.piliers}["Cohésion sociale"] == D("0.6400")
    # About 75 % renewals over the period.
    assert 0.72 <= bilan.totaux.nb_reconductions / bilan.totaux.nb_actions <= 0.78
    assert bilan.non_ventile == D("0.00")

    # La Conte – Ozanam leads until 2019; its share drops below that level afterwards.
    parts = {}
    for annee in range(2016, 2023):
        annuel = selectors.bilan_physico_financier(
            contrat=contrat, annee_min=annee, annee_max=annee, user=agent
        )
        parts[annee] = {q.code: q.part for q in annuel.quartiers}
    for annee in range(2016, 2020):
        assert max(parts[annee], key=parts[annee].get) == LA_CONTE, annee
    plancher = min(parts[annee][LA_CONTE] for annee in range(2016, 2020))
    for annee in range(2020, 2023):
        assert parts[annee][LA_CONTE] < plancher, annee
