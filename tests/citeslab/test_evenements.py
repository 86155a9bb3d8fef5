"""CitésLab's events: list by year and kind, form, page and API, for the CitésLab staff of
the contract only."""

import datetime

import pytest
from django.urls import reverse

from citeslab.enums import KindEvenement
from citeslab.models import Evenement
from tests.citeslab.factories import BeneficiaireFactory, EvenementFactory

pytestmark = pytest.mark.django_db

OTHER_PERSONAS = [
    "agent_agglo",
    "partenaire_etat",
    "lecteur",
    "porteur",
    "outsider",
    "referent_pre",
    "superuser",
    "agent_autre_contrat",
]


@pytest.fixture
def samira(contrat):
    return BeneficiaireFactory(contrat=contrat, nom="Benali", prenom="Samira")


@pytest.fixture
def karim(contrat):
    return BeneficiaireFactory(contrat=contrat, nom="Haddad", homme=True)


@pytest.fixture
def evenements(contrat, autre_contrat, samira, karim):
    """Two events in 2021 and one in 2022 here, one in the other contract."""
    return {
        "cafe": EvenementFactory(
            contrat=contrat, titre="Café Créa de printemps", participants=12,
            inscrits=[samira, karim],
        ),
        "adie": EvenementFactory(
            contrat=contrat, kind=KindEvenement.LUNDI_ADIE, titre="Lundi de l'Adie",
            date=datetime.date(2021, 9, 6), participants=7, inscrits=[samira],
        ),
        "trophees": EvenementFactory(
            contrat=contrat, trophees=True, titre="Trophées CitésLab 2022",
            date=datetime.date(2022, 11, 24), participants=85,
        ),
        "narbonne": EvenementFactory(contrat=autre_contrat, titre="Café Créa de Narbonne"),
    }  # fmt: skip


def _donnees(**valeurs):
    return {
        "kind": KindEvenement.CAFE_CREA,
        "titre": "Café Créa d'automne",
        "date": "2021-10-14",
        "lieu": "Médiathèque de la Bastide",
        "quartier": "",
        "participants": "15",
        **valeurs,
    }


# The list ----------------------------------------------------------------------------------


def test_it_lists_the_contract_events_by_year_with_totals(client, charge_citeslab, evenements):
    client.force_login(charge_citeslab)
    content = client.get(reverse("citeslab:evenement_list")).content.decode()
    assert "3 événements." in content
    assert "Événements de 2022 : 1, 85 participants" in content
    assert "Événements de 2021 : 2, 19 participants" in content
    assert content.index("Trophées CitésLab 2022</a>") < content.index("Lundi de l&#x27;Adie</a>")
    assert "Narbonne" not in content


def test_it_filters_by_year_and_kind(client, charge_citeslab, evenements):
    client.force_login(charge_citeslab)
    url = reverse("citeslab:evenement_list")
    content = client.get(url, {"annee": "2021"}).content.decode()
    assert "2 événements pour ces critères." in content and "Trophées CitésLab 2022" not in content
    content = client.get(url, {"kind": KindEvenement.LUNDI_ADIE}).content.decode()
    assert "1 événement pour ces critères." in content and "Café Créa de printemps" not in content


def test_the_list_query_count_does_not_grow_with_events(
    client, charge_citeslab, contrat, evenements, samira, django_assert_num_queries
):
    client.force_login(charge_citeslab)
    url = reverse("citeslab:evenement_list")
    client.get(url)
    # session, user, roles, "CitésLab staff somewhere", current contract, "staff of it", the
    # years, the events (quartier joined, registrations counted), their partners
    # (prefetch), the header's contract switcher, the user's organisation.
    with django_assert_num_queries(QUERIES_LIST) as captured:
        client.get(url)
    for numero in range(4):
        EvenementFactory(
            contrat=contrat, titre=f"Café Créa n° {numero}", inscrits=[samira],
            partenaires=[charge_citeslab.organisation],
        )  # fmt: skip
    with django_assert_num_queries(len(captured)):
        response = client.get(url)
    assert "7 événements." in response.content.decode()


QUERIES_LIST = 11


# Refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", OTHER_PERSONAS)
def test_everyone_but_the_citeslab_staff_is_refused(client, request, persona, evenements):
    client.force_login(request.getfixturevalue(persona))
    pk = evenements["cafe"].pk
    for url in (
        reverse("citeslab:evenement_list"),
        reverse("citeslab:evenement_create"),
        reverse("citeslab:evenement_detail", args=[pk]),
        reverse("citeslab:evenement_edit", args=[pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("citeslab:evenement_create"), _donnees()).status_code == 403
    assert Evenement.objects.count() == 4


def test_another_contracts_chargé_does_not_find_our_events(
    client, charge_autre_contrat, evenements
):
    client.force_login(charge_autre_contrat)
    pk = evenements["cafe"].pk
    assert client.get(reverse("citeslab:evenement_detail", args=[pk])).status_code == 404
    response = client.post(reverse("citeslab:evenement_edit", args=[pk]), _donnees())
    assert response.status_code == 404
    content = client.get(reverse("citeslab:evenement_list")).content.decode()
    assert "Café Créa de Narbonne" in content and "printemps" not in content


# The form and the page ---------------------------------------------------------------------


def test_it_records_an_event_with_partners_and_registered_people(
    client, charge_citeslab, contrat, samira, karim
):
    client.force_login(charge_citeslab)
    partenaire = charge_citeslab.organisation
    response = client.post(
        reverse("citeslab:evenement_create"),
        _donnees(partenaires=[partenaire.pk], inscrits=[samira.pk, karim.pk]),
        follow=True,
    )
    evenement = Evenement.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "citeslab:evenement_detail", args=[evenement.pk]
    )
    content = response.content.decode()
    assert "L&#x27;événement « Café Créa d&#x27;automne » est enregistré." in content
    assert "14/10/2021" in content and "BENALI Samira" in content
    assert evenement.contrat == contrat and evenement.participants == 15
    assert list(evenement.partenaires.all()) == [partenaire]
    assert set(evenement.inscrits.all()) == {samira, karim}


def test_fewer_participants_than_registered_people_is_refused_in_french(
    client, charge_citeslab, samira, karim
):
    client.force_login(charge_citeslab)
    response = client.post(
        reverse("citeslab:evenement_create"),
        _donnees(participants="1", inscrits=[samira.pk, karim.pk]),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert (
        "Le nombre de participants (1) ne peut être inférieur au nombre de bénéficiaires "
        "inscrits (2)." in content
    )
    assert "L&#x27;événement n&#x27;est pas enregistré" in content
    assert not Evenement.objects.exists()


def test_people_of_another_contract_cannot_be_registered(client, charge_citeslab, autre_contrat):
    ailleurs = BeneficiaireFactory(contrat=autre_contrat)
    client.force_login(charge_citeslab)
    response = client.post(reverse("citeslab:evenement_create"), _donnees(inscrits=[ailleurs.pk]))
    assert "Choisissez des bénéficiaires de ce contrat." in response.content.decode()
    assert not Evenement.objects.exists()


def test_editing_lowers_participants_and_registrations_together(
    client, charge_citeslab, evenements, samira
):
    cafe = evenements["cafe"]
    client.force_login(charge_citeslab)
    url = reverse("citeslab:evenement_edit", args=[cafe.pk])
    form = client.get(url).content.decode()
    assert 'value="12"' in form and "Café Créa de printemps" in form
    response = client.post(
        url, _donnees(titre=cafe.titre, date="2021-04-15", participants="1", inscrits=[samira.pk])
    )
    assert response.status_code == 302
    cafe.refresh_from_db()
    assert cafe.participants == 1 and list(cafe.inscrits.all()) == [samira]


def test_the_page_names_the_registered_people_for_the_staff(client, charge_citeslab, evenements):
    client.force_login(charge_citeslab)
    content = client.get(
        reverse("citeslab:evenement_detail", args=[evenements["cafe"].pk])
    ).content.decode()
    assert "BENALI Samira" in content and "HADDAD" in content
    assert "Café Créa" in content and "15/04/2021" in content


# The API -----------------------------------------------------------------------------------


def test_the_api_gives_events_with_registered_numbers_and_no_names(
    client, charge_citeslab, evenements, samira, karim
):
    client.force_login(charge_citeslab)
    data = client.get("/api/v1/citeslab/evenements/").json()
    lignes = data["results"] if isinstance(data, dict) else data
    assert [e["titre"] for e in lignes] == [
        "Trophées CitésLab 2022",
        "Lundi de l'Adie",
        "Café Créa de printemps",
    ]
    cafe = lignes[2]
    assert cafe["inscrits"] == sorted([samira.pk, karim.pk])
    assert cafe["participants"] == 12 and cafe["kind_libelle"] == "Café Créa"
    assert "Benali" not in str(data) and "Samira" not in str(data)
    detail = client.get(f"/api/v1/citeslab/evenements/{evenements['adie'].pk}/").json()
    assert detail["inscrits"] == [samira.pk] and detail["date"] == "2021-09-06"


@pytest.mark.parametrize("persona", ["agent_agglo", "lecteur", "superuser", "referent_pre"])
def test_the_api_refuses_everyone_but_the_staff(client, request, persona, evenements):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/api/v1/citeslab/evenements/").status_code == 403


def test_the_api_hides_other_contracts_events(client, charge_autre_contrat, evenements):
    client.force_login(charge_autre_contrat)
    data = client.get("/api/v1/citeslab/evenements/").json()
    lignes = data["results"] if isinstance(data, dict) else data
    assert [e["titre"] for e in lignes] == ["Café Créa de Narbonne"]
    url = f"/api/v1/citeslab/evenements/{evenements['cafe'].pk}/"
    assert client.get(url).status_code == 404


def test_the_api_list_query_count_is_locked(
    client, charge_citeslab, contrat, evenements, samira, django_assert_num_queries
):
    client.force_login(charge_citeslab)
    url = "/api/v1/citeslab/evenements/"
    client.get(url)
    # session, user, roles, "CitésLab staff somewhere", count, events (quartier joined),
    # their partners, their registered people (numbers only).
    with django_assert_num_queries(QUERIES_API) as captured:
        client.get(url)
    for numero in range(3):
        EvenementFactory(contrat=contrat, titre=f"Atelier {numero}", inscrits=[samira])
    with django_assert_num_queries(len(captured)):
        client.get(url)


QUERIES_API = 8
