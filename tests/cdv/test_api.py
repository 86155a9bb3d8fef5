import base64

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.validation import validate_schema

from cdv.enums import NiveauObjectif
from cdv.models import Objectif, Pilier
from tests import factories

LIST_URLS = [
    "/api/v1/contrats/",
    "/api/v1/organisations/",
    "/api/v1/signataires/",
    "/api/v1/piliers/",
    "/api/v1/axes/",
    "/api/v1/objectifs/",
    "/api/v1/thematiques/",
    "/api/v1/instances/",
    "/api/v1/reunions/",
]
PDF = b"%PDF-1.4 compte rendu du COPIL"


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _compte_rendu(name="cr-copil.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def cadre(contrat, autre_contrat):
    """The frame and governance of both contracts: one of each record."""

    def build(c):
        pilier = factories.PilierFactory(contrat=c, nom="Cohésion sociale")
        orientation = factories.ObjectifFactory(pilier=pilier)
        instance = factories.InstanceFactory(contrat=c)
        return {
            "pilier": pilier,
            "orientation": orientation,
            "objectif": factories.ObjectifFactory(
                pilier=pilier, operationnel=True, parent=orientation
            ),
            "axe": factories.AxeTransversalFactory(contrat=c),
            "signataire": factories.SignataireFactory(contrat=c),
            "instance": instance,
            "reunion": factories.ReunionFactory(instance=instance, compte_rendu=_compte_rendu()),
        }

    return {"contrat": build(contrat), "autre": build(autre_contrat)}


# Anonymous visitors --------------------------------------------------------------------


@pytest.mark.parametrize("url", [*LIST_URLS, "/api/v1/", "/api/v1/moi/", "/api/v1/schema/"])
def test_anonymous_gets_a_json_refusal_not_a_redirect(client, db, url):
    response = client.get(url, HTTP_ACCEPT="application/json")

    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "Informations d'authentification non fournies."


def test_basic_authentication_works_for_scripts(client, agent_agglo):
    token = base64.b64encode(f"{agent_agglo.email}:{factories.DEFAULT_PASSWORD}".encode())

    response = client.get("/api/v1/moi/", HTTP_AUTHORIZATION=f"Basic {token.decode()}")

    assert response.status_code == 200
    assert response.json()["email"] == "agent@agglo.fr"


# Reading: each persona sees its scope -----------------------------------------------------


@pytest.mark.parametrize("persona", ["agent_agglo", "partenaire_etat", "lecteur"])
def test_partners_of_the_contract_list_only_its_frame(client, request, cadre, persona):
    client.force_login(request.getfixturevalue(persona))
    mine, other = cadre["contrat"], cadre["autre"]

    assert _ids(client.get("/api/v1/piliers/")) == {mine["pilier"].pk}
    assert _ids(client.get("/api/v1/objectifs/")) == {mine["orientation"].pk, mine["objectif"].pk}
    assert _ids(client.get("/api/v1/axes/")) == {mine["axe"].pk}
    assert _ids(client.get("/api/v1/signataires/")) == {mine["signataire"].pk}
    assert _ids(client.get("/api/v1/instances/")) == {mine["instance"].pk}
    assert _ids(client.get("/api/v1/reunions/")) == {mine["reunion"].pk}
    assert other["pilier"].pk not in _ids(client.get("/api/v1/piliers/"))


def test_agent_of_another_contract_never_sees_this_contract(
    client, agent_autre_contrat, cadre, autre_contrat
):
    client.force_login(agent_autre_contrat)
    other = cadre["autre"]

    assert _ids(client.get("/api/v1/contrats/")) == {autre_contrat.pk}
    assert _ids(client.get("/api/v1/piliers/")) == {other["pilier"].pk}
    assert _ids(client.get("/api/v1/reunions/")) == {other["reunion"].pk}
    assert _ids(client.get("/api/v1/instances/")) == {other["instance"].pk}


@pytest.mark.parametrize(
    ("route", "key"),
    [
        ("piliers", "pilier"),
        ("objectifs", "objectif"),
        ("axes", "axe"),
        ("signataires", "signataire"),
        ("instances", "instance"),
        ("reunions", "reunion"),
    ],
)
def test_guessing_another_contracts_id_gives_404(client, agent_autre_contrat, cadre, route, key):
    client.force_login(agent_autre_contrat)
    url = f"/api/v1/{route}/{cadre['contrat'][key].pk}/"

    assert client.get(url).status_code == 404
    assert client.patch(url, {}, content_type="application/json").status_code == 404
    assert client.delete(url).status_code == 404


def test_superuser_sees_every_contract(client, superuser, cadre):
    client.force_login(superuser)

    assert _ids(client.get("/api/v1/piliers/")) == {
        cadre["contrat"]["pilier"].pk,
        cadre["autre"]["pilier"].pk,
    }


def test_porteur_is_refused_the_contract_frame_in_french(client, porteur, cadre):
    client.force_login(porteur)

    for url in ["/api/v1/piliers/", "/api/v1/reunions/", "/api/v1/contrats/"]:
        response = client.get(url)
        assert response.status_code == 403
        assert response.json()["detail"] == "Votre rôle ne donne pas accès à ces données."
    # The directory shows a porteur its own organisation only.
    assert _ids(client.get("/api/v1/organisations/")) == {porteur.organisation_id}


def test_contract_list_nests_the_epci(client, agent_agglo, contrat):
    client.force_login(agent_agglo)

    [row] = client.get("/api/v1/contrats/").json()["results"]

    assert row["code"] == "CN01102I"
    assert row["epci"] == {
        "id": contrat.epci.pk,
        "nom": contrat.epci.nom,
        "sigle": contrat.epci.sigle,
    }


def test_objectives_carry_their_level_parent_and_contract(client, lecteur, cadre, contrat):
    client.force_login(lecteur)
    objectif = cadre["contrat"]["objectif"]

    data = client.get(f"/api/v1/objectifs/{objectif.pk}/").json()

    assert data["niveau"] == "operationnel"
    assert data["niveau_libelle"] == "Objectif opérationnel"
    assert data["parent"] == cadre["contrat"]["orientation"].pk
    assert data["contrat"] == contrat.pk


def test_filters_narrow_the_lists(client, agent_agglo, cadre, contrat):
    client.force_login(agent_agglo)
    mine = cadre["contrat"]
    reunion = mine["reunion"]

    assert _ids(client.get("/api/v1/objectifs/", {"niveau": "orientation"})) == {
        mine["orientation"].pk
    }
    assert _ids(client.get("/api/v1/objectifs/", {"parent": mine["orientation"].pk})) == {
        mine["objectif"].pk
    }
    assert _ids(client.get("/api/v1/piliers/", {"contrat": contrat.pk})) == {mine["pilier"].pk}
    assert _ids(client.get("/api/v1/instances/", {"kind": "copil"})) == {mine["instance"].pk}
    assert _ids(client.get("/api/v1/reunions/", {"date_min": reunion.date.isoformat()})) == {
        reunion.pk
    }
    assert _ids(client.get("/api/v1/reunions/", {"date_max": "2000-01-01"})) == set()
    assert _ids(client.get("/api/v1/contrats/", {"annee": 2027})) == {contrat.pk}
    assert _ids(client.get("/api/v1/contrats/", {"annee": 2010})) == set()
    assert _ids(client.get("/api/v1/organisations/", {"q": contrat.epci.nom})) == {contrat.epci_id}
    assert len(_ids(client.get("/api/v1/thematiques/", {"theme": "true"}))) > 0


def test_a_filter_on_an_out_of_scope_contract_is_rejected(client, agent_agglo, cadre):
    client.force_login(agent_agglo)

    response = client.get("/api/v1/reunions/", {"contrat": cadre["autre"]["pilier"].contrat_id})

    assert response.status_code == 400
    assert "contrat" in response.json()


def test_me_describes_the_signed_in_user(client, agent_agglo, contrat):
    client.force_login(agent_agglo)

    data = client.get("/api/v1/moi/").json()

    assert data["email"] == "agent@agglo.fr"
    assert data["organisation"]["id"] == contrat.epci_id
    assert data["roles"] == [
        {"code": "admin_pdv", "libelle": "Administrateur politique de la ville"}
    ]
    assert data["contrats"] == [{"id": contrat.pk, "nom": contrat.nom, "code": "CN01102I"}]


# Query counts -------------------------------------------------------------------------


def _add_rows(contrat, n):
    for _ in range(n):
        pilier = factories.PilierFactory(contrat=contrat)
        orientation = factories.ObjectifFactory(pilier=pilier)
        factories.ObjectifFactory(pilier=pilier, operationnel=True, parent=orientation)
        factories.AxeTransversalFactory(contrat=contrat)
        factories.SignataireFactory(contrat=contrat)
        instance = factories.InstanceFactory(contrat=contrat)
        instance.membres.add(contrat.epci, factories.OrganisationFactory())
        reunion = factories.ReunionFactory(instance=instance)
        reunion.participants.add(contrat.epci)
        factories.ContratFactory().users.add(*contrat.users.all())


# Every list: session, user, the user's roles (role rule or directory scope), COUNT for the
# pagination, the page's rows with their joined foreign keys; then one query per prefetched
# many-to-many. Reference data needs no role, hence no role query.
LIST_QUERIES = {
    "/api/v1/contrats/": 5,  # ... rows JOIN epci
    "/api/v1/organisations/": 5,
    "/api/v1/signataires/": 5,  # ... rows JOIN organisation
    "/api/v1/piliers/": 5,
    "/api/v1/axes/": 5,
    "/api/v1/objectifs/": 5,  # ... rows JOIN pilier
    "/api/v1/thematiques/": 4,  # session, user, COUNT, rows
    "/api/v1/instances/": 6,  # ... rows, membres
    "/api/v1/reunions/": 6,  # ... rows JOIN instance, participants
}


@pytest.mark.parametrize(("url", "queries"), LIST_QUERIES.items())
def test_list_query_count_does_not_grow_with_rows(
    client, agent_agglo, contrat, django_assert_num_queries, url, queries
):
    client.force_login(agent_agglo)
    _add_rows(contrat, 1)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200

    _add_rows(contrat, 4)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.json()["count"] >= 5 or url == "/api/v1/thematiques/"


# Writing -------------------------------------------------------------------------------


def test_admin_pdv_creates_a_pillar_and_its_objectives(client, agent_agglo, contrat):
    client.force_login(agent_agglo)

    response = client.post("/api/v1/piliers/", {"contrat": contrat.pk, "nom": "Cadre de vie"})
    assert response.status_code == 201, response.content
    pilier = Pilier.objects.get(pk=response.json()["id"])
    assert pilier.contrat == contrat

    response = client.post(
        "/api/v1/objectifs/",
        {"pilier": pilier.pk, "niveau": "orientation", "intitule": "Améliorer l'habitat"},
    )
    assert response.status_code == 201, response.content
    orientation = response.json()["id"]

    response = client.post(
        "/api/v1/objectifs/",
        {
            "pilier": pilier.pk,
            "parent": orientation,
            "niveau": "operationnel",
            "intitule": "Rénover les halls d'immeubles",
        },
    )
    assert response.status_code == 201, response.content
    assert Objectif.objects.get(pk=response.json()["id"]).parent_id == orientation


def test_admin_pdv_cannot_write_into_another_contract(client, agent_agglo, autre_contrat):
    client.force_login(agent_agglo)

    response = client.post("/api/v1/piliers/", {"contrat": autre_contrat.pk, "nom": "Intrus"})

    assert response.status_code == 400
    assert response.json()["contrat"] == [
        f"L'élément n°{autre_contrat.pk} n'existe pas ou ne vous est pas accessible."
    ]
    assert not Pilier.objects.filter(nom="Intrus").exists()


def test_admin_pdv_cannot_move_a_pillar_to_another_contract(
    client, agent_agglo, cadre, autre_contrat
):
    client.force_login(agent_agglo)
    pilier = cadre["contrat"]["pilier"]

    response = client.patch(
        f"/api/v1/piliers/{pilier.pk}/",
        {"contrat": autre_contrat.pk},
        content_type="application/json",
    )

    assert response.status_code == 400
    pilier.refresh_from_db()
    assert pilier.contrat_id != autre_contrat.pk


def test_an_operational_objective_needs_an_orientation(client, agent_agglo, cadre):
    client.force_login(agent_agglo)

    response = client.post(
        "/api/v1/objectifs/",
        {"pilier": cadre["contrat"]["pilier"].pk, "niveau": "operationnel", "intitule": "Orphelin"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "parent": ["Un objectif opérationnel doit relever d'une orientation."]
    }


def test_an_orientation_of_another_pillar_is_refused(client, agent_agglo, cadre, contrat):
    client.force_login(agent_agglo)
    autre_pilier = factories.PilierFactory(contrat=contrat)

    response = client.post(
        "/api/v1/objectifs/",
        {
            "pilier": autre_pilier.pk,
            "parent": cadre["contrat"]["orientation"].pk,
            "niveau": NiveauObjectif.OPERATIONNEL,
            "intitule": "Mal rangé",
        },
    )

    assert response.status_code == 400
    assert response.json()["parent"] == ["L'orientation choisie appartient à un autre pilier."]


def test_a_duplicate_pillar_name_is_refused_in_french(client, agent_agglo, cadre, contrat):
    client.force_login(agent_agglo)

    response = client.post("/api/v1/piliers/", {"contrat": contrat.pk, "nom": "Cohésion sociale"})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Ce contrat a déjà un pilier de ce nom."]}


def test_admin_pdv_updates_and_deletes_its_records(client, agent_agglo, cadre):
    client.force_login(agent_agglo)
    pilier, axe = cadre["contrat"]["pilier"], cadre["contrat"]["axe"]

    response = client.patch(
        f"/api/v1/piliers/{pilier.pk}/", {"nom": "Emploi"}, content_type="application/json"
    )
    assert response.status_code == 200
    pilier.refresh_from_db()
    assert pilier.nom == "Emploi"

    assert client.delete(f"/api/v1/axes/{axe.pk}/").status_code == 204
    assert not type(axe).objects.filter(pk=axe.pk).exists()


def test_admin_pdv_manages_governance(client, agent_agglo, cadre, contrat):
    client.force_login(agent_agglo)
    prefecture = factories.OrganisationFactory(etat=True)

    response = client.post(
        "/api/v1/instances/",
        {"contrat": contrat.pk, "kind": "cotech", "nom": "COTECH", "membres": [prefecture.pk]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["membres"] == [prefecture.pk]

    response = client.post(
        "/api/v1/reunions/",
        {
            "instance": response.json()["id"],
            "date": "2025-03-14",
            "participants": [prefecture.pk],
            "compte_rendu": _compte_rendu("cotech-mars.pdf"),
        },
    )
    assert response.status_code == 201, response.content
    url = response.json()["compte_rendu_url"]
    assert url.endswith(f"/api/v1/reunions/{response.json()['id']}/compte-rendu/")
    assert b"".join(client.get(url).streaming_content) == PDF


def test_minutes_must_be_a_document(client, agent_agglo, cadre):
    client.force_login(agent_agglo)

    response = client.post(
        "/api/v1/reunions/",
        {
            "instance": cadre["contrat"]["instance"].pk,
            "date": "2025-03-14",
            "compte_rendu": SimpleUploadedFile("virus.exe", b"MZ"),
        },
    )

    assert response.status_code == 400
    assert "compte_rendu" in response.json()


def test_a_signatory_signs_once(client, agent_agglo, cadre, contrat):
    client.force_login(agent_agglo)
    organisation = cadre["contrat"]["signataire"].organisation

    response = client.post(
        "/api/v1/signataires/", {"contrat": contrat.pk, "organisation": organisation.pk}
    )

    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        "Cette organisation est déjà signataire de ce contrat."
    ]


@pytest.mark.parametrize("persona", ["lecteur", "partenaire_etat"])
def test_readers_cannot_write(client, request, cadre, contrat, persona):
    client.force_login(request.getfixturevalue(persona))
    pilier = cadre["contrat"]["pilier"]

    responses = [
        client.post("/api/v1/piliers/", {"contrat": contrat.pk, "nom": "Nouveau"}),
        client.patch(
            f"/api/v1/piliers/{pilier.pk}/", {"nom": "X"}, content_type="application/json"
        ),
        client.delete(f"/api/v1/piliers/{pilier.pk}/"),
    ]

    for response in responses:
        assert response.status_code == 403
        assert response.json()["detail"] == (
            "Seule l'équipe politique de la ville du contrat peut modifier ces données."
        )
    assert Pilier.objects.filter(pk=pilier.pk, nom=pilier.nom).exists()


def test_a_django_permission_alone_does_not_open_a_contract(client, lecteur, contrat):
    """Model permissions say which kinds of records; only the PDV team writes a contract."""
    lecteur.user_permissions.add(Permission.objects.get(codename="add_pilier"))
    client.force_login(lecteur)

    response = client.post("/api/v1/piliers/", {"contrat": contrat.pk, "nom": "Nouveau"})

    assert response.status_code == 403
    assert not Pilier.objects.filter(nom="Nouveau").exists()


def test_nobody_writes_contracts_or_reference_data_through_the_api(client, superuser, contrat):
    client.force_login(superuser)

    assert client.post("/api/v1/contrats/", {"nom": "X"}).status_code == 405
    assert client.post("/api/v1/thematiques/", {"code": "X"}).status_code == 405


# Minutes download ----------------------------------------------------------------------


def test_minutes_are_downloaded_through_the_api(client, lecteur, cadre):
    client.force_login(lecteur)
    reunion = cadre["contrat"]["reunion"]

    [row] = client.get("/api/v1/reunions/").json()["results"]
    response = client.get(row["compte_rendu_url"])

    assert (
        row["compte_rendu_url"] == f"http://testserver/api/v1/reunions/{reunion.pk}/compte-rendu/"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_minutes_of_another_contract_are_not_found(client, agent_autre_contrat, cadre):
    client.force_login(agent_autre_contrat)
    reunion = cadre["contrat"]["reunion"]

    assert client.get(f"/api/v1/reunions/{reunion.pk}/compte-rendu/").status_code == 404


def test_a_meeting_without_minutes_has_no_download(client, agent_agglo, contrat):
    reunion = factories.ReunionFactory(instance__contrat=contrat)
    client.force_login(agent_agglo)

    assert client.get(f"/api/v1/reunions/{reunion.pk}/").json()["compte_rendu_url"] is None
    assert client.get(f"/api/v1/reunions/{reunion.pk}/compte-rendu/").status_code == 404


def test_minutes_lost_from_storage_are_not_found(client, agent_agglo, cadre):
    reunion = cadre["contrat"]["reunion"]
    reunion.compte_rendu.storage.delete(reunion.compte_rendu.name)
    client.force_login(agent_agglo)

    assert client.get(f"/api/v1/reunions/{reunion.pk}/compte-rendu/").status_code == 404


# Schema --------------------------------------------------------------------------------


def test_openapi_schema_is_a_valid_document(client, lecteur):
    client.force_login(lecteur)

    response = client.get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["info"]["title"] == "API cdv — contrat de ville"
    for route in ["/api/v1/piliers/", "/api/v1/reunions/{id}/compte-rendu/", "/api/v1/moi/"]:
        assert route in schema["paths"]
