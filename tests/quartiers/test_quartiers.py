import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse

from quartiers.enums import QuartierKind
from quartiers.models import Quartier
from tests.programmation.factories import QuartierFactory

CHANGELIST = reverse("admin:quartiers_quartier_changelist")
ADD = reverse("admin:quartiers_quartier_add")


def _change(quartier):
    return reverse("admin:quartiers_quartier_change", args=[quartier.pk])


def _names(response):
    assert response.status_code == 200
    return {str(obj) for obj in response.context["cl"].result_list}


@pytest.fixture
def quartiers(contrat, autre_contrat):
    return {
        "mien": QuartierFactory(contrat=contrat, nom="La Conte – Ozanam", code="QP011002"),
        "veille": QuartierFactory(
            contrat=contrat, nom="L'Aiguille", kind=QuartierKind.QVA, code=""
        ),
        "autre": QuartierFactory(contrat=autre_contrat, nom="Razimbaud", code="QP011011"),
    }


def _data(contrat, **changes):
    data = {
        "contrat": contrat.pk,
        "kind": QuartierKind.QPV,
        "code": "",
        "nom": "Grazailles",
        "communes": "Carcassonne",
        "population": 949,
    }
    data.update(changes)
    return data


def test_the_quartier_is_registered_and_searchable():
    assert Quartier in admin.site._registry
    assert admin.site._registry[Quartier].get_search_fields(None)


def test_quartiers_are_scoped_to_the_users_contracts(agent_agglo, lecteur, porteur, quartiers):
    assert set(Quartier.objects.for_user(agent_agglo)) == {quartiers["mien"], quartiers["veille"]}
    assert set(Quartier.objects.for_user(lecteur)) == {quartiers["mien"], quartiers["veille"]}
    # A porteur follows no contract: it picks its quartiers through its actions' forms.
    assert not Quartier.objects.for_user(porteur).exists()


def test_admin_pdv_sees_only_its_contracts_quartiers(client, agent_agglo, quartiers):
    client.force_login(agent_agglo)

    assert _names(client.get(CHANGELIST)) == {"La Conte – Ozanam", "L'Aiguille"}
    assert _names(client.get(CHANGELIST, {"kind__exact": QuartierKind.QVA})) == {"L'Aiguille"}
    assert _names(client.get(CHANGELIST, {"q": "QP011002"})) == {"La Conte – Ozanam"}


def test_admin_pdv_cannot_open_another_contracts_quartier(client, agent_agglo, quartiers):
    client.force_login(agent_agglo)

    response = client.get(_change(quartiers["autre"]))

    assert response.status_code in (302, 404)
    assert response.status_code == 404 or response["Location"] == reverse("admin:index")


def test_admin_pdv_adds_and_changes_its_contracts_quartiers(
    client, agent_agglo, quartiers, contrat
):
    client.force_login(agent_agglo)

    assert client.post(ADD, _data(contrat)).status_code == 302
    assert Quartier.objects.get(nom="Grazailles").contrat == contrat
    response = client.post(_change(quartiers["mien"]), _data(contrat, nom="La Conte", code=""))
    assert response.status_code == 302
    quartiers["mien"].refresh_from_db()
    assert quartiers["mien"].nom == "La Conte"


def test_admin_pdv_cannot_put_a_quartier_in_another_contract(
    client, agent_agglo, quartiers, autre_contrat
):
    client.force_login(agent_agglo)

    response = client.post(ADD, _data(autre_contrat, nom="Intrus"))

    assert response.status_code == 200
    assert "contrat" in response.context["adminform"].form.errors
    assert not Quartier.objects.filter(nom="Intrus").exists()


def test_an_instructor_reads_the_quartiers_without_changing_them(
    client, partenaire_etat, quartiers, contrat
):
    client.force_login(partenaire_etat)

    assert _names(client.get(CHANGELIST)) == {"La Conte – Ozanam", "L'Aiguille"}
    assert client.get(_change(quartiers["mien"])).status_code == 200
    assert client.post(_change(quartiers["mien"]), _data(contrat)).status_code == 403
    assert client.get(ADD).status_code == 403


def test_superuser_opens_every_page(client, superuser, quartiers):
    client.force_login(superuser)

    assert _names(client.get(CHANGELIST)) == {"La Conte – Ozanam", "L'Aiguille", "Razimbaud"}
    assert client.get(ADD).status_code == 200
    assert client.get(_change(quartiers["autre"])).status_code == 200


def test_a_contract_has_one_quartier_of_a_name(quartiers, contrat):
    double = Quartier(contrat=contrat, kind=QuartierKind.QPV, nom="La Conte – Ozanam")

    with pytest.raises(ValidationError) as error:
        double.full_clean()

    assert "Ce contrat a déjà un quartier de ce nom." in str(error.value)
