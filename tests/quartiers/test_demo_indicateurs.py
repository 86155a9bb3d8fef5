from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from cdv.demo.indicateurs import PERIMETRE_NOTE
from quartiers.enums import Tendance
from quartiers.models import Indicateur, Quartier, ValeurIndicateur
from quartiers.selectors import comparaison

pytestmark = pytest.mark.django_db

# The final evaluation's 2019 poverty rates and median incomes 2015 → 2019 (€).
RAPPORT = {
    "QP011004": (39, 13656, 14830),
    "QP011002": (61, 10976, 12130),
    "QP011003": (65, 10624, 11680),
    "QP011005": (59, None, 12320),
    "QP011006": (52, 12442, 12990),
}


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())


def test_the_poverty_rates_and_incomes_of_the_report_read_back(demo):
    pauvrete = Indicateur.objects.get(code="taux_pauvrete")
    revenu = Indicateur.objects.get(code="revenu_median")
    for code, (taux, revenu_2015, revenu_2019) in RAPPORT.items():
        quartier = Quartier.objects.get(code=code)
        result = comparaison(quartier=quartier, indicateur=pauvrete)
        derniere = result.derniere
        assert derniere.millesime == 2019
        assert derniere.valeur.valeur == taux
        assert derniere.references["commune"].valeur == 27
        assert derniere.references["epci"].valeur == 21
        assert derniere.ecarts == {"commune": Decimal(taux - 27), "epci": Decimal(taux - 21)}

        revenus = comparaison(quartier=quartier, indicateur=revenu)
        by_year = {ligne.millesime: ligne.valeur.valeur for ligne in revenus.lignes}
        expected = {2015: revenu_2015, 2019: revenu_2019}
        assert by_year == {year: v for year, v in expected.items() if v is not None}
        assert revenus.derniere.ecarts["commune"] == revenu_2019 - 18110
        # 2015 has no commune figure: the trend is not computable, not "stable".
        assert revenus.tendances["commune"] == Tendance.NON_CALCULABLE


def test_fleming_single_parent_families_are_secret_and_never_zero(demo):
    fleming = Quartier.objects.get(code="QP011005")
    familles = Indicateur.objects.get(code="familles_monoparentales")

    result = comparaison(quartier=fleming, indicateur=familles)

    assert result.derniere.valeur.secret
    assert result.derniere.valeur.valeur is None
    assert result.derniere.ecarts == {"commune": None, "epci": None}
    defm = ValeurIndicateur.objects.filter(
        territoire__code="QP011005", indicateur__code="defm_abc_date"
    )
    assert {(v.millesime, v.secret) for v in defm} == {(2020, True), (2021, True)}


def test_the_job_seekers_series_and_caf_figures_are_loaded(demo):
    def serie(code):
        values = ValeurIndicateur.objects.filter(territoire__kind="qpv_epci", indicateur__code=code)
        return {v.millesime: v.valeur for v in values}

    assert serie("defm_abc") == {2016: 1850, 2017: 1877, 2018: 1634, 2019: 1568, 2020: 1609}
    assert serie("defm_abc_longue_duree")[2020] == 471
    assert serie("allocataires_caf") == {2018: 3738, 2020: 3754}
    assert serie("part_allocataires_qpv") == {2018: Decimal("15.8"), 2020: Decimal("12.7")}


def test_the_perimeters_are_bounding_boxes_and_2024_quartiers_keep_their_history(demo):
    quartiers_2015 = Quartier.objects.exclude(code="").filter(kind="qpv")
    assert quartiers_2015.count() == 5
    for quartier in quartiers_2015:
        assert quartier.perimetre["type"] == "Polygon"
        assert quartier.perimetre_note == PERIMETRE_NOTE
    grazailles = Quartier.objects.get(code="QP011006")
    assert grazailles.perimetre["coordinates"][0][0] == [2.3542, 43.2246]
    nouveau = Quartier.objects.get(contrat__annee_debut=2024, nom="Grazailles")
    pauvrete = Indicateur.objects.get(code="taux_pauvrete")
    result = comparaison(quartier=nouveau, indicateur=pauvrete)
    assert result.derniere.valeur.valeur == 52
    assert result.derniere.geographie_precedente
