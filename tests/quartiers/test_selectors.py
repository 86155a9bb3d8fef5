from decimal import Decimal

import pytest

from quartiers.enums import Sens, Tendance, TerritoireKind, Unite
from quartiers.selectors import comparaison, ecart, tendance
from tests.programmation.factories import QuartierFactory
from tests.quartiers.factories import IndicateurFactory, TerritoireFactory, ValeurFactory

D = Decimal


def test_a_gap_is_the_quartier_minus_its_reference_and_never_zero_when_unknown():
    assert ecart(D("61"), D("27")) == D("34")
    assert ecart(None, D("27")) is None
    assert ecart(D("61"), None) is None


def test_the_trend_follows_the_direction_that_is_better():
    pct = {"unite": Unite.POURCENTAGE}
    # Poverty (lower is better): 30 points above, then 34 → the gap widened.
    assert tendance(D("30"), D("34"), sens=Sens.BAISSE, **pct) == Tendance.CREUSE
    assert tendance(D("34"), D("30"), sens=Sens.BAISSE, **pct) == Tendance.REDUIT
    # Employment (higher is better): 20 points below, then 25 below → widened.
    assert tendance(D("-20"), D("-25"), sens=Sens.HAUSSE, **pct) == Tendance.CREUSE
    assert tendance(D("-20"), D("-19.6"), sens=Sens.HAUSSE, **pct) == Tendance.STABLE
    assert tendance(D("-3"), D("4"), sens=Sens.NEUTRE, **pct) == Tendance.CREUSE
    assert tendance(None, D("4"), sens=Sens.BAISSE, **pct) == Tendance.NON_CALCULABLE
    # Euros: stable within 1 % of the reference (18 110 € → 181.10 €).
    euros = {"sens": Sens.HAUSSE, "unite": Unite.EUROS, "reference": D("18110")}
    assert tendance(D("-5000"), D("-5100"), **euros) == Tendance.STABLE
    assert tendance(D("-5000"), D("-5980"), **euros) == Tendance.CREUSE


@pytest.fixture
def carcassonne(contrat):
    epci = TerritoireFactory(kind=TerritoireKind.EPCI, code="200035715", nom="Agglo")
    commune = TerritoireFactory(code="11069", nom="Carcassonne", parent=epci)
    quartier = QuartierFactory(contrat=contrat, nom="La Conte", code="QP011002")
    quartier.territoire.parent = commune
    quartier.territoire.save()
    return quartier, commune, epci


def test_a_quartier_is_compared_with_its_commune_and_its_epci(carcassonne):
    quartier, commune, epci = carcassonne
    pauvrete = IndicateurFactory()
    for millesime, values in [(2015, (55, 25, 20)), (2019, (61, 27, 21))]:
        for territoire, valeur in zip([quartier.territoire, commune, epci], values, strict=True):
            ValeurFactory(
                territoire=territoire, indicateur=pauvrete, millesime=millesime, valeur=valeur
            )

    result = comparaison(quartier=quartier, indicateur=pauvrete)

    assert [ligne.millesime for ligne in result.lignes] == [2015, 2019]
    assert result.derniere.valeur.valeur == D("61")
    # 2015: 55 − 25 = 30 and 55 − 20 = 35; 2019: 61 − 27 = 34 and 61 − 21 = 40.
    assert result.lignes[0].ecarts == {"commune": D("30"), "epci": D("35")}
    assert result.derniere.ecarts == {"commune": D("34"), "epci": D("40")}
    assert result.tendances == {"commune": Tendance.CREUSE, "epci": Tendance.CREUSE}


def test_a_secret_or_missing_value_makes_the_gap_non_calculable(carcassonne):
    quartier, commune, epci = carcassonne
    familles = IndicateurFactory(code="familles_monoparentales", libelle="Familles")
    ValeurFactory(territoire=quartier.territoire, indicateur=familles, millesime=2018, valeur=20)
    ValeurFactory(territoire=commune, indicateur=familles, millesime=2018, valeur=17)
    secret = {"valeur": None, "secret": True}
    ValeurFactory(territoire=quartier.territoire, indicateur=familles, millesime=2020, **secret)
    ValeurFactory(territoire=commune, indicateur=familles, millesime=2020, valeur=17)
    # The EPCI has no value at all.

    result = comparaison(quartier=quartier, indicateur=familles)

    premiere, derniere = result.lignes
    assert premiere.ecarts == {"commune": D("3"), "epci": None}
    assert derniere.valeur.secret and derniere.valeur.valeur is None
    assert derniere.ecarts == {"commune": None, "epci": None}
    assert result.tendances == {
        "commune": Tendance.NON_CALCULABLE,
        "epci": Tendance.NON_CALCULABLE,
    }


def test_a_new_quartier_inherits_the_history_of_the_one_it_replaces(carcassonne, contrat):
    ancien, commune, _ = carcassonne
    nouveau = QuartierFactory(contrat=contrat, nom="La Conte 2024", code="QN01101M")
    nouveau.remplace.set([ancien])
    pauvrete = IndicateurFactory()
    ValeurFactory(territoire=ancien.territoire, indicateur=pauvrete, millesime=2019, valeur=61)
    ValeurFactory(territoire=nouveau.territoire, indicateur=pauvrete, millesime=2021, valeur=58)
    ValeurFactory(territoire=commune, indicateur=pauvrete, millesime=2021, valeur=26)

    result = comparaison(quartier=nouveau, indicateur=pauvrete)

    assert [(ligne.millesime, ligne.geographie_precedente) for ligne in result.lignes] == [
        (2019, True),
        (2021, False),
    ]
    # The new quartier's territory has no commune yet: its predecessor's references serve.
    assert result.references["commune"] == commune
    assert result.derniere.ecarts["commune"] == D("32")
