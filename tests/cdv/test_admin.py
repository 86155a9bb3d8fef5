import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from cdv.enums import RoleCode
from cdv.models import Contrat, Pilier, Role, User
from tests import factories


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _names(response):
    assert response.status_code == 200
    return {str(obj) for obj in response.context["cl"].result_list}


@pytest.fixture
def cadre(contrat, autre_contrat):
    def build(c, nom):
        pilier = factories.PilierFactory(contrat=c, nom=f"Pilier {nom}")
        orientation = factories.ObjectifFactory(pilier=pilier, intitule=f"Orientation {nom}")
        instance = factories.InstanceFactory(contrat=c, nom=f"COPIL {nom}")
        return {
            "pilier": pilier,
            "orientation": orientation,
            "objectif": factories.ObjectifFactory(
                pilier=pilier, operationnel=True, parent=orientation, intitule=f"Objectif {nom}"
            ),
            "axe": factories.AxeTransversalFactory(contrat=c, nom=f"Axe {nom}"),
            "signataire": factories.SignataireFactory(contrat=c),
            "instance": instance,
            "reunion": factories.ReunionFactory(instance=instance),
        }

    return {"contrat": build(contrat, "Carcassonne"), "autre": build(autre_contrat, "Narbonne")}


def test_every_cdv_model_is_registered():
    cdv_models = set(apps.get_app_config("cdv").get_models())

    assert cdv_models <= set(admin.site._registry)


def test_every_admin_is_scoped_and_searchable():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label == "cdv":
            assert model_admin.get_search_fields(None), model


def test_the_back_office_speaks_french(client, agent_agglo):
    client.force_login(agent_agglo)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "cdv — administration" in response.content.decode()


def test_superuser_opens_every_page_of_every_model(client, superuser, cadre, agent_agglo):
    client.force_login(superuser)
    request = RequestFactory().get("/")
    request.user = superuser

    for model, model_admin in admin.site._registry.items():
        assert client.get(_url(model, "changelist")).status_code == 200, model
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert client.get(_url(model, "add")).status_code == expected, model
        obj = model._default_manager.first()
        if obj is not None:
            assert client.get(_url(model, "change", obj.pk)).status_code == 200, model


def test_the_fixed_roles_are_read_only_and_hidden_from_agents(client, superuser, agent_agglo):
    role = Role.objects.first()
    client.force_login(superuser)
    assert client.get(_url(Role, "add")).status_code == 403
    assert client.post(_url(Role, "change", role.pk), {"code": "x"}).status_code == 403

    client.force_login(agent_agglo)
    assert client.get(_url(Role, "changelist")).status_code == 403


# Scope -----------------------------------------------------------------------------------


def test_admin_pdv_sees_only_its_contract(client, agent_agglo, cadre, contrat):
    client.force_login(agent_agglo)
    mine = cadre["contrat"]

    assert _names(client.get(_url(Contrat, "changelist"))) == {str(contrat)}
    assert _names(client.get(_url(Pilier, "changelist"))) == {"Pilier Carcassonne"}
    assert _names(client.get(_url(type(mine["objectif"]), "changelist"))) == {
        "Orientation Carcassonne",
        "Objectif Carcassonne",
    }
    assert _names(client.get(_url(type(mine["axe"]), "changelist"))) == {"Axe Carcassonne"}
    assert _names(client.get(_url(type(mine["signataire"]), "changelist"))) == {
        str(mine["signataire"])
    }
    assert _names(client.get(_url(type(mine["instance"]), "changelist"))) == {"COPIL Carcassonne"}
    assert _names(client.get(_url(type(mine["reunion"]), "changelist"))) == {str(mine["reunion"])}


def test_list_filters_offer_only_the_scope(client, agent_agglo, cadre, contrat, autre_contrat):
    client.force_login(agent_agglo)

    content = client.get(_url(Pilier, "changelist")).content.decode()

    assert contrat.nom in content
    assert autre_contrat.nom not in content


def test_admin_pdv_sees_the_people_of_its_contract(
    client, agent_agglo, partenaire_etat, agent_autre_contrat, superuser
):
    client.force_login(agent_agglo)

    emails = {user.email for user in client.get(_url(User, "changelist")).context["cl"].result_list}

    assert emails == {"agent@agglo.fr", "instructeur@aude.gouv.fr"}


def _autocomplete(client, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cdv", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return {row["text"] for row in response.json()["results"]}


def test_autocomplete_returns_only_the_scope(client, agent_agglo, cadre, contrat):
    client.force_login(agent_agglo)

    assert _autocomplete(client, "pilier", "contrat") == {str(contrat)}
    assert _autocomplete(client, "objectif", "pilier") == {"Pilier Carcassonne"}
    assert _autocomplete(client, "objectif", "parent") == {"Orientation Carcassonne"}
    assert _autocomplete(client, "reunion", "instance", "COPIL") == {"COPIL Carcassonne"}


@pytest.mark.parametrize("key", ["pilier", "objectif", "axe", "signataire", "instance", "reunion"])
def test_admin_pdv_cannot_open_another_contracts_record(client, agent_agglo, cadre, key):
    client.force_login(agent_agglo)
    obj = cadre["autre"][key]

    for view in ["change", "delete"]:
        response = client.get(_url(type(obj), view, obj.pk))
        assert response.status_code in (302, 404)
        assert response.status_code == 404 or response["Location"] == reverse("admin:index")


def test_admin_pdv_cannot_open_another_contract(client, agent_agglo, autre_contrat):
    client.force_login(agent_agglo)

    response = client.get(_url(Contrat, "change", autre_contrat.pk))

    assert response.status_code == 302


# Writing ---------------------------------------------------------------------------------


def test_admin_pdv_changes_its_contracts_frame(client, agent_agglo, contrat):
    pilier = factories.PilierFactory(contrat=contrat, nom="Emploi")
    client.force_login(agent_agglo)

    response = client.post(
        _url(Pilier, "change", pilier.pk),
        {
            "contrat": contrat.pk,
            "nom": "Emploi et développement économique",
            "ordre": 2,
            "objectifs-TOTAL_FORMS": 0,
            "objectifs-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302
    pilier.refresh_from_db()
    assert pilier.nom == "Emploi et développement économique"


def test_admin_pdv_cannot_attach_a_record_to_another_contract(
    client, agent_agglo, contrat, autre_contrat
):
    client.force_login(agent_agglo)

    response = client.post(
        _url(Pilier, "add"),
        {
            "contrat": autre_contrat.pk,
            "nom": "Intrus",
            "ordre": 0,
            "objectifs-TOTAL_FORMS": 0,
            "objectifs-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert "contrat" in response.context["adminform"].form.errors
    assert not Pilier.objects.filter(nom="Intrus").exists()


def test_a_contract_created_by_an_agent_is_followed_by_it(client, agent_agglo, contrat):
    client.force_login(agent_agglo)
    data = {
        "nom": "Contrat de ville 2031",
        "epci": contrat.epci_id,
        "annee_debut": 2031,
        "annee_fin": 2037,
    }
    for prefix in ["signataires", "piliers", "axes", "instances"]:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    response = client.post(_url(Contrat, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert agent_agglo.contrats.filter(nom="Contrat de ville 2031").exists()


def test_an_instructor_reads_the_frame_without_changing_it(client, partenaire_etat, cadre):
    client.force_login(partenaire_etat)
    pilier = cadre["contrat"]["pilier"]

    assert _names(client.get(_url(Pilier, "changelist"))) == {"Pilier Carcassonne"}
    assert client.get(_url(Pilier, "change", pilier.pk)).status_code == 200
    assert client.post(_url(Pilier, "change", pilier.pk), {"nom": "X"}).status_code == 403
    assert client.get(_url(Pilier, "add")).status_code == 403


def test_a_permission_without_the_contract_role_changes_nothing(client, partenaire_etat, cadre):
    """Model permissions say which kinds of records; only the PDV team changes a contract."""
    partenaire_etat.user_permissions.add(Permission.objects.get(codename="change_pilier"))
    client.force_login(partenaire_etat)
    pilier = cadre["contrat"]["pilier"]

    response = client.post(_url(Pilier, "change", pilier.pk), {"nom": "X"})

    assert response.status_code == 403


# Entering the back office ----------------------------------------------------------------


@pytest.mark.parametrize("persona", [None, "porteur", "lecteur"])
def test_porteurs_readers_and_anonymous_cannot_enter(client, request, contrat, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))

    for url in [reverse("admin:index"), _url(Contrat, "changelist")]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"] or "/connexion/" in response["Location"]


# People ----------------------------------------------------------------------------------


def _user_data(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "organisation": user.organisation_id or "",
        "is_active": "on",
        "roles": [role.pk for role in user.roles.all()],
        "contrats": [contrat.pk for contrat in user.contrats.all()],
        "date_joined_0": "01/01/2025",
        "date_joined_1": "10:00:00",
    }
    data.update(changes)
    return data


def test_admin_pdv_cannot_grant_superuser_nor_technical_rights(client, agent_agglo, lecteur):
    client.force_login(agent_agglo)
    url = _url(User, "change", lecteur.pk)

    form = client.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields
    response = client.post(url, _user_data(lecteur, is_superuser="on", first_name="Alix", roles=[]))

    assert response.status_code == 302, response.context["adminform"].form.errors
    lecteur.refresh_from_db()
    assert lecteur.first_name == "Alix"
    assert not lecteur.is_superuser
    assert not User.objects.get(pk=lecteur.pk).is_staff


def test_admin_pdv_grants_only_roles_it_holds(client, agent_agglo, lecteur):
    client.force_login(agent_agglo)
    referent = Role.objects.get(code=RoleCode.REFERENT_PRE)
    admin_pdv = Role.objects.get(code=RoleCode.ADMIN_PDV)
    url = _url(User, "change", lecteur.pk)

    response = client.post(url, _user_data(lecteur, roles=[referent.pk]))
    assert response.status_code == 200
    assert "roles" in response.context["adminform"].form.errors

    response = client.post(url, _user_data(lecteur, roles=[admin_pdv.pk]))
    assert response.status_code == 302
    assert set(User.objects.get(pk=lecteur.pk).role_codes) == {
        RoleCode.ADMIN_PDV,
        RoleCode.LECTEUR_PARTENAIRE,
    }


def test_roles_and_contracts_out_of_reach_are_kept(
    client, agent_agglo, lecteur, autre_contrat, contrat
):
    """Editing a colleague does not strip what the editor could neither see nor grant."""
    lecteur.contrats.add(autre_contrat)
    client.force_login(agent_agglo)

    response = client.post(
        _url(User, "change", lecteur.pk), _user_data(lecteur, roles=[], contrats=[contrat.pk])
    )

    assert response.status_code == 302
    lecteur = User.objects.get(pk=lecteur.pk)
    assert lecteur.role_codes == {RoleCode.LECTEUR_PARTENAIRE}
    assert set(lecteur.contrats.all()) == {contrat, autre_contrat}


def test_admin_pdv_cannot_change_a_superuser_nor_passwords(
    client, agent_agglo, partenaire_etat, contrat
):
    root = factories.UserFactory(is_superuser=True, organisation=contrat.epci)
    client.force_login(agent_agglo)

    assert client.post(_url(User, "change", root.pk), _user_data(root)).status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[partenaire_etat.pk])
    assert client.get(password_url).status_code == 403
    own_password_url = reverse("admin:auth_user_password_change", args=[agent_agglo.pk])
    assert client.get(own_password_url).status_code == 200


def test_superuser_creates_a_person_by_email(client, superuser, contrat):
    client.force_login(superuser)

    response = client.post(
        _url(User, "add"),
        {
            "email": "Nouvelle.Personne@Agglo.fr",
            "usable_password": "true",
            "password1": "un-mot-de-passe-solide-42",
            "password2": "un-mot-de-passe-solide-42",
            "first_name": "Nour",
            "last_name": "Benali",
            "organisation": contrat.epci_id,
            "roles": [Role.objects.get(code=RoleCode.LECTEUR_PARTENAIRE).pk],
            "contrats": [contrat.pk],
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="nouvelle.personne@agglo.fr")
    assert user.check_password("un-mot-de-passe-solide-42")
    assert user.role_codes == {RoleCode.LECTEUR_PARTENAIRE}


def test_an_email_is_used_once_whatever_its_case(client, superuser, agent_agglo):
    client.force_login(superuser)

    response = client.post(
        _url(User, "add"),
        {"email": "AGENT@agglo.fr", "usable_password": "false"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "Une personne utilise déjà cette adresse électronique."
    ]


def test_a_record_added_where_one_cannot_manage_is_refused(client, partenaire_etat, contrat):
    """An add permission alone lets the form through; saving checks the contract."""
    partenaire_etat.user_permissions.add(Permission.objects.get(codename="add_pilier"))
    client.force_login(partenaire_etat)

    response = client.post(
        _url(Pilier, "add"),
        {
            "contrat": contrat.pk,
            "nom": "Pas le mien",
            "ordre": 0,
            "objectifs-TOTAL_FORMS": 0,
            "objectifs-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 403
    assert not Pilier.objects.filter(nom="Pas le mien").exists()


def test_each_record_leads_to_its_contract(cadre, contrat):
    from cdv.perms import contrat_of

    for obj in cadre["contrat"].values():
        assert contrat_of(obj) == contrat
    assert contrat_of(contrat) == contrat
    assert contrat_of(contrat.epci) is None
    assert contrat_of(Pilier()) is None


# Organisations and minutes -------------------------------------------------------------------


def test_admin_pdv_edits_the_directory_but_not_another_contracts_partners(
    client, agent_agglo, contrat, autre_contrat
):
    association = factories.OrganisationFactory(nom="Association du quartier")
    signataire_ailleurs = factories.SignataireFactory(contrat=autre_contrat).organisation
    client.force_login(agent_agglo)

    assert client.get(_url(type(association), "change", association.pk)).status_code == 200
    for organisation in (autre_contrat.epci, signataire_ailleurs):
        response = client.get(_url(type(organisation), "change", organisation.pk))
        assert response.status_code == 200
        assert response.context["title"].startswith("Affichage de")  # read-only view
        data = {"nom": "Nom détourné", "kind": organisation.kind}
        client.post(_url(type(organisation), "change", organisation.pk), data)
        organisation.refresh_from_db()
        assert organisation.nom != "Nom détourné"


def test_admin_pdv_deletes_neither_contracts_nor_organisations(client, agent_agglo, contrat):
    client.force_login(agent_agglo)

    assert client.get(_url(Contrat, "delete", contrat.pk)).status_code == 403
    organisation = factories.OrganisationFactory()
    assert client.get(_url(type(organisation), "delete", organisation.pk)).status_code == 403
    assert Contrat.objects.filter(pk=contrat.pk).exists()


def test_the_minutes_link_goes_through_the_scoped_download(client, agent_agglo, contrat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    reunion = factories.ReunionFactory(
        instance=factories.InstanceFactory(contrat=contrat),
        compte_rendu=SimpleUploadedFile("cr-copil.pdf", b"%PDF-1.4 compte rendu"),
    )
    client.force_login(agent_agglo)

    page = client.get(_url(type(reunion), "change", reunion.pk)).content.decode()

    download = reverse("reunion_compte_rendu", args=[reunion.pk])
    assert f'href="{download}"' in page
    assert "/media/" not in page
    assert client.get(download).status_code == 200
