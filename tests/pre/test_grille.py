"""The price grid: the family pays its bracket's share of an action, rounded to the cent, the
PRE the rest; the grid page refuses overlaps, gaps and shares outside 0–100 %."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pre.models import TrancheTarifaire
from pre.selectors_parcours import part_famille, verifier_grille
from tests.pre.factories_parcours import grille_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def tranches(contrat):
    return grille_standard(contrat)


@pytest.mark.parametrize(
    ("qf", "famille", "pre"),
    [
        (650, "12.00", "108.00"),  # 10 % of 120 €
        (400, "0.00", "120.00"),
        (401, "12.00", "108.00"),
        (800, "12.00", "108.00"),
        (801, "30.00", "90.00"),  # 25 %
        (0, "0.00", "120.00"),
        (None, "0.00", "120.00"),  # unknown quotient: the PRE pays everything
    ],
)
def test_it_shares_a_cost_by_the_bracket_of_the_quotient(tranches, qf, famille, pre):
    assert part_famille(Decimal("120"), qf, tranches) == (Decimal(famille), Decimal(pre))


def test_it_rounds_the_family_share_and_gives_the_remainder_to_the_pre(tranches):
    # 10 % of 33,35 € = 3,335 → 3,34 € (half up); the PRE pays 33,35 − 3,34 = 30,01 €.
    assert part_famille(Decimal("33.35"), 500, tranches) == (Decimal("3.34"), Decimal("30.01"))
    # 25 % of 0,10 € = 0,025 → 0,03 €; the PRE 0,07 €: both still make the cost.
    assert part_famille(Decimal("0.10"), 900, tranches) == (Decimal("0.03"), Decimal("0.07"))


def test_without_a_grid_the_pre_pays_everything():
    assert part_famille(Decimal("80"), 650, []) == (Decimal("0.00"), Decimal("80.00"))


def ligne(qf_min, qf_max, part):
    return {"qf_min": qf_min, "qf_max": qf_max, "part_famille": Decimal(part)}


def test_it_finds_overlaps_gaps_and_bounds():
    assert verifier_grille([ligne(0, 400, 0), ligne(401, None, 10)]) == {}
    assert verifier_grille([ligne(0, 400, 0), ligne(350, None, 10)]) == {
        1: {"qf_min": "Cette tranche chevauche la précédente (jusqu'à 400 €)."}
    }
    assert verifier_grille([ligne(0, 400, 0), ligne(500, None, 10)]) == {
        1: {"qf_min": "Il manque les quotients de 401 à 499 € : cette tranche commence à 401 €."}
    }
    assert verifier_grille([ligne(10, 400, 0), ligne(401, 900, 120)]) == {
        0: {"qf_min": "La première tranche commence à 0 €."},
        1: {
            "part_famille": "La part de la famille est comprise entre 0 et 100 %.",
            "qf_max": "La dernière tranche est sans limite haute : laissez vide.",
        },
    }


def _post(lignes):
    data = {
        "tranche-TOTAL_FORMS": str(len(lignes)),
        "tranche-INITIAL_FORMS": "0",
        "tranche-MIN_NUM_FORMS": "0",
        "tranche-MAX_NUM_FORMS": "1000",
    }
    for index, (qf_min, qf_max, part) in enumerate(lignes):
        data[f"tranche-{index}-qf_min"] = qf_min
        data[f"tranche-{index}-qf_max"] = qf_max
        data[f"tranche-{index}-part_famille"] = part
    return data


def test_the_pre_staff_replace_the_grid(client, referent_pre, contrat, tranches):
    client.force_login(referent_pre)
    response = client.post(reverse("pre:grille"), _post([("0", "500", "0"), ("501", "", "12,5")]))
    assert response.status_code == 302
    assert [
        (t.qf_min, t.qf_max, t.part_famille)
        for t in TrancheTarifaire.objects.filter(contrat=contrat)
    ] == [(0, 500, Decimal("0.00")), (501, None, Decimal("12.50"))]
    page = client.get(reverse("pre:grille")).content.decode()
    assert "à partir de 501 €" in page and "12,50 %" in page


def test_a_grid_with_a_gap_is_refused_next_to_the_bracket(client, referent_pre, contrat, tranches):
    client.force_login(referent_pre)
    response = client.post(reverse("pre:grille"), _post([("0", "400", "0"), ("450", "", "10")]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Il manque les quotients de 401 à 449 €" in page
    assert TrancheTarifaire.objects.filter(contrat=contrat).count() == 3  # unchanged


def test_a_share_above_100_is_refused(client, referent_pre, contrat, tranches):
    client.force_login(referent_pre)
    response = client.post(reverse("pre:grille"), _post([("0", "", "150")]))
    assert response.status_code == 400
    assert "La part de la famille est comprise entre 0 et 100 %." in response.content.decode()
    assert TrancheTarifaire.objects.filter(contrat=contrat).count() == 3
