import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from quartiers.enums import TerritoireKind
from quartiers.geojson import rectangle
from quartiers.models import Indicateur, Quartier, Territoire, ValeurIndicateur
from tests.programmation.factories import QuartierFactory
from tests.quartiers.factories import IndicateurFactory, TerritoireFactory, ValeurFactory

pytestmark = pytest.mark.django_db


def _polygon(*ring):
    return {"type": "Polygon", "coordinates": [list(ring)]}


def _perimetre_errors(quartier, perimetre):
    quartier.perimetre = perimetre
    with pytest.raises(ValidationError) as error:
        quartier.full_clean()
    return " ".join(error.value.message_dict["perimetre"])


def test_it_accepts_a_polygon_and_a_multipolygon(contrat):
    quartier = QuartierFactory(contrat=contrat, code="QP011002")
    quartier.perimetre = rectangle(2.36, 43.20, 2.38, 43.22)
    quartier.full_clean()
    box = rectangle(2.30, 43.20, 2.31, 43.21)["coordinates"]
    quartier.perimetre = {"type": "MultiPolygon", "coordinates": [box, box]}
    quartier.full_clean()


def test_it_refuses_a_bad_perimeter_in_french(contrat):
    quartier = QuartierFactory(contrat=contrat, code="QP011002")

    assert "Polygon ou MultiPolygon" in _perimetre_errors(
        quartier, {"type": "Point", "coordinates": [2.3, 43.2]}
    )
    ouvert = _polygon([2.3, 43.2], [2.4, 43.2], [2.4, 43.3], [2.3, 43.3])
    assert "n'est pas fermé" in _perimetre_errors(quartier, ouvert)
    trop_court = _polygon([2.3, 43.2], [2.4, 43.2], [2.3, 43.2])
    assert "au moins quatre points" in _perimetre_errors(quartier, trop_court)
    # Latitude and longitude swapped beyond the range: 143° of latitude does not exist.
    inverse = _polygon([43.2, 143.2], [43.3, 143.2], [43.3, 143.3], [43.2, 143.2])
    assert "latitude 143.2 hors de l'intervalle" in _perimetre_errors(quartier, inverse)
    loin = _polygon([200, 43.2], [201, 43.2], [201, 43.3], [200, 43.2])
    assert "longitude 200 hors de l'intervalle" in _perimetre_errors(quartier, loin)


def test_a_quartier_with_a_code_gets_its_territory_and_keeps_it(contrat):
    quartier = QuartierFactory(contrat=contrat, nom="Grazailles", code="QP011006")

    territoire = quartier.territoire
    assert (territoire.kind, territoire.code) == ("quartier", "QP011006")
    assert territoire.nom == "Grazailles"
    quartier.nom = "Grazailles – Nord"
    quartier.save()
    territoire.refresh_from_db()
    assert territoire.nom == "Grazailles – Nord"
    # Deleted then created again, the quartier finds its territory (and its values) again.
    quartier.delete()
    again = QuartierFactory(contrat=contrat, nom="Grazailles", code="QP011006")
    assert again.territoire == territoire


def test_a_quartier_without_code_has_no_territory(contrat):
    assert QuartierFactory(contrat=contrat, code="").territoire is None


def test_two_quartiers_cannot_share_an_official_code(contrat, autre_contrat):
    QuartierFactory(contrat=contrat, code="QP011002")
    double = Quartier(contrat=autre_contrat, kind="qpv", nom="Autre", code="QP011002")

    with pytest.raises(ValidationError) as error:
        double.full_clean()

    assert "Un autre quartier porte déjà ce code officiel." in str(error.value)


def test_a_territory_is_unique_by_kind_and_code_and_nests_in_a_wider_one():
    epci = TerritoireFactory(kind=TerritoireKind.EPCI, code="200035715", nom="Agglo")
    commune = TerritoireFactory(code="11069", nom="Carcassonne", parent=epci)
    commune.full_clean()

    with pytest.raises(ValidationError, match="Un territoire de ce type porte déjà ce code"):
        Territoire(kind=TerritoireKind.COMMUNE, code="11069", nom="Double").full_clean()
    epci.parent = commune
    with pytest.raises(ValidationError, match="doit être plus large"):
        epci.full_clean()
    with pytest.raises(ValidationError, match="Code invalide pour ce type"):
        Territoire(kind=TerritoireKind.EPCI, code="11069", nom="Agglo").full_clean()


def test_a_secret_value_has_no_number_and_a_value_has_one():
    commune = TerritoireFactory(code="11069")
    indicateur = IndicateurFactory()

    secret_chiffre = ValeurIndicateur(
        territoire=commune, indicateur=indicateur, millesime=2020, valeur=18, secret=True
    )
    with pytest.raises(ValidationError, match="reste vide"):
        secret_chiffre.full_clean()
    vide = ValeurIndicateur(territoire=commune, indicateur=indicateur, millesime=2020)
    with pytest.raises(ValidationError, match="cochez « secret statistique »"):
        vide.full_clean()
    ValeurIndicateur(territoire=commune, indicateur=indicateur, millesime=2020, secret=True).save()
    # The database holds the rule too, whatever writes to it.
    with pytest.raises(IntegrityError):
        ValeurIndicateur.objects.create(
            territoire=commune, indicateur=indicateur, millesime=2021, valeur=3, secret=True
        )


def test_a_quartiers_values_follow_its_contract(agent_agglo, agent_autre_contrat, porteur, contrat):
    quartier = QuartierFactory(contrat=contrat, code="QP011002")
    du_quartier = ValeurFactory(territoire=quartier.territoire, valeur=61)
    de_la_commune = ValeurFactory(territoire=TerritoireFactory(code="11069"), valeur=27)

    assert set(ValeurIndicateur.objects.for_user(agent_agglo)) == {du_quartier, de_la_commune}
    # Public statistics of the references are read by every signed-in user.
    assert set(ValeurIndicateur.objects.for_user(agent_autre_contrat)) == {de_la_commune}
    assert set(ValeurIndicateur.objects.for_user(porteur)) == {de_la_commune}
    assert not ValeurIndicateur.objects.for_user(None).exists()
    assert Territoire.objects.for_user(porteur).count() == Territoire.objects.count()
    assert Indicateur.objects.for_user(porteur).count() == 1


def test_the_national_references_come_with_the_migrations():
    national = Territoire.objects.filter(kind__in=["france", "qpv_france"])
    assert set(national.values_list("code", flat=True)) == {"FR", "QPV"}


def test_the_admin_of_values_is_scoped(client, agent_agglo, agent_autre_contrat, contrat):
    assert ValeurIndicateur in admin.site._registry
    quartier = QuartierFactory(contrat=contrat, code="QP011002")
    valeur = ValeurFactory(territoire=quartier.territoire, valeur=61)
    url = f"/admin/quartiers/valeurindicateur/{valeur.pk}/change/"

    client.force_login(agent_agglo)
    assert client.get(url).status_code == 200
    client.force_login(agent_autre_contrat)
    assert client.get(url).status_code in (302, 404)
