"""The GUP's back office: every model registered and searchable, every page opens, rows
scoped by role, the workflow's state and history never written from the admin, photos
downloaded through a scoped view."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from gup import services
from gup.models import (
    AbattementTFPB,
    ActionTFPB,
    AxeTFPB,
    CategorieSignalement,
    ChantierTremplin,
    ConventionTFPB,
    Diagnostic,
    EvenementSignalement,
    FinancementChantier,
    PatrimoineTFPB,
    PhotoSignalement,
    Signalement,
)
from tests import factories
from tests.gup.factories import (
    CategorieFactory,
    ChantierFactory,
    ConventionTFPBFactory,
    DiagnosticFactory,
    SignalementFactory,
    image_bytes,
)
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _rows(response):
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.fixture
def gup(contrat, autre_contrat, bailleur, intervenant_ville, coordinateur_gup):
    """The same GUP records in both contracts: in ours the problem goes to the landlord."""

    def build(c, nom, responsable, landlord):
        quartier = QuartierFactory(contrat=c, nom=nom)
        categorie = CategorieFactory(contrat=c, code="proprete", libelle=f"Propreté {nom}")
        diagnostic = DiagnosticFactory(quartier=quartier, secteur=f"Parcours {nom}")
        signalement = SignalementFactory(
            quartier=quartier,
            categorie=categorie,
            description=f"Dépôt sauvage à {nom}",
            organisation_responsable=responsable,
        )
        evenement = EvenementSignalement.objects.create(
            signalement=signalement, code="creation", etat_apres="nouveau"
        )
        photo = services.photo_add(
            signalement=signalement,
            fichier=SimpleUploadedFile("photo.jpg", image_bytes(), content_type="image/jpeg"),
        )
        convention = ConventionTFPBFactory(contrat=c, bailleur=landlord)
        patrimoine = PatrimoineTFPB.objects.create(
            convention=convention, quartier=quartier, nb_logements=420
        )
        abattement = AbattementTFPB.objects.create(
            convention=convention, quartier=quartier, annee=2026, montant=150000
        )
        action = ActionTFPB.objects.create(
            convention=convention, quartier=quartier, annee=2026, axe=AxeTFPB.objects.first(),
            intitule=f"Gardiennage renforcé {nom}", montant_prevu=20000,
        )  # fmt: skip
        chantier = ChantierFactory(quartier=quartier, intitule=f"Chantier {nom}")
        financement = FinancementChantier.objects.create(
            chantier=chantier, financeur=c.epci, montant=5000
        )
        return {
            CategorieSignalement: categorie,
            Diagnostic: diagnostic,
            Signalement: signalement,
            EvenementSignalement: evenement,
            PhotoSignalement: photo,
            ConventionTFPB: convention,
            PatrimoineTFPB: patrimoine,
            AbattementTFPB: abattement,
            ActionTFPB: action,
            ChantierTremplin: chantier,
            FinancementChantier: financement,
        }

    return {
        "mine": build(contrat, "La Conte", bailleur, bailleur),
        "other": build(
            autre_contrat,
            "Razimbaud",
            intervenant_ville.organisation,
            factories.OrganisationFactory(bailleur=True, nom="Alogea"),
        ),
    }


def test_every_gup_model_is_registered_and_searchable():
    for model in apps.get_app_config("gup").get_models():
        assert model in admin.site._registry, model
        assert admin.site._registry[model].get_search_fields(None), model


def test_superuser_opens_every_page_of_every_gup_model(client, superuser, gup):
    client.force_login(superuser)
    request = _request(superuser)

    for model in apps.get_app_config("gup").get_models():
        model_admin = admin.site._registry[model]
        assert client.get(_url(model, "changelist")).status_code == 200, model
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert client.get(_url(model, "add")).status_code == expected, model
        obj = model._default_manager.first()
        assert client.get(_url(model, "change", obj.pk)).status_code == 200, model


def test_a_gup_coordinator_sees_only_its_contracts_rows(client, coordinateur_gup, gup):
    client.force_login(coordinateur_gup)

    for model, mine in gup["mine"].items():
        assert _rows(client.get(_url(model, "changelist"))) == {mine}, model
        other = gup["other"][model]
        response = client.get(_url(model, "change", other.pk))
        assert response.status_code in (302, 404), model
        if response.status_code == 302:
            assert response["Location"] == reverse("admin:index")


def test_an_intervenant_sees_only_its_organisations_problems(
    client, intervenant_gup, intervenant_ville, gup
):
    client.force_login(intervenant_gup)
    assert _rows(client.get(_url(Signalement, "changelist"))) == {gup["mine"][Signalement]}
    # Its TFPB as the landlord, not the sites it does not operate.
    assert _rows(client.get(_url(ConventionTFPB, "changelist"))) == {gup["mine"][ConventionTFPB]}
    assert _rows(client.get(_url(ChantierTremplin, "changelist"))) == set()

    client.force_login(intervenant_ville)
    assert _rows(client.get(_url(Signalement, "changelist"))) == {gup["other"][Signalement]}


def test_the_coordinator_edits_its_chantier_and_its_funders(client, coordinateur_gup, gup):
    chantier = gup["mine"][ChantierTremplin]
    client.force_login(coordinateur_gup)
    request = _request(coordinateur_gup)
    model_admin = admin.site._registry[ChantierTremplin]

    assert model_admin.has_change_permission(request, chantier)
    assert model_admin.has_delete_permission(request, chantier)
    assert not model_admin.has_change_permission(request, gup["other"][ChantierTremplin])


def test_the_pdv_team_and_intervenants_only_read_the_gup(agent_agglo, intervenant_gup, gup):
    for user in (agent_agglo, intervenant_gup):
        request = _request(user)
        for model in (ChantierTremplin, CategorieSignalement, ConventionTFPB):
            model_admin = admin.site._registry[model]
            assert model_admin.has_view_permission(request, gup["mine"][model])
            assert not model_admin.has_change_permission(request, gup["mine"][model]), model


@pytest.mark.parametrize("persona", ["superuser", "coordinateur_gup"])
def test_nobody_edits_or_deletes_the_history(client, request, persona, gup):
    user = request.getfixturevalue(persona)
    evenement = gup["mine"][EvenementSignalement]
    model_admin = admin.site._registry[EvenementSignalement]
    client.force_login(user)

    assert not model_admin.has_add_permission(_request(user))
    assert not model_admin.has_change_permission(_request(user), evenement)
    assert not model_admin.has_delete_permission(_request(user), evenement)
    assert client.get(_url(EvenementSignalement, "add")).status_code == 403
    response = client.post(_url(EvenementSignalement, "change", evenement.pk), {"code": "x"})
    assert response.status_code == 403
    response = client.post(_url(EvenementSignalement, "delete", evenement.pk), {"post": "yes"})
    assert response.status_code == 403
    evenement.refresh_from_db()
    assert evenement.code == "creation"


def test_a_problem_is_never_deleted_with_its_history(client, superuser, gup):
    signalement = gup["mine"][Signalement]
    client.force_login(superuser)

    response = client.post(_url(Signalement, "delete", signalement.pk), {"post": "yes"})

    assert response.status_code == 403
    assert Signalement.objects.filter(pk=signalement.pk).exists()


def test_the_state_and_dates_are_shown_but_not_editable(client, superuser, gup):
    signalement = gup["mine"][Signalement]
    client.force_login(superuser)
    response = client.get(_url(Signalement, "change", signalement.pk))
    form = response.context["adminform"].form

    for name in ("etat", "signale_le", "transmis_le", "resolu_le", "clos_le", "echeance"):
        assert name not in form.fields, name
    assert "Nouveau" in response.content.decode()

    data = {
        "quartier": signalement.quartier_id,
        "categorie": signalement.categorie_id,
        "description": "Corrigé",
        "adresse": "1 rue Buffon",
        "priorite": "normale",
        "etat": "resolu",
        "evenements-TOTAL_FORMS": 0,
        "evenements-INITIAL_FORMS": 0,
    }
    client.post(_url(Signalement, "change", signalement.pk), data)
    signalement.refresh_from_db()
    assert signalement.description == "Corrigé"
    assert signalement.etat == "nouveau"


def test_the_axes_are_read_only(client, superuser):
    client.force_login(superuser)
    axe = AxeTFPB.objects.first()

    assert client.get(_url(AxeTFPB, "add")).status_code == 403
    assert client.post(_url(AxeTFPB, "change", axe.pk), {"code": "X"}).status_code == 403


def test_a_photo_is_downloaded_through_the_scoped_view(
    client, coordinateur_gup, agent_autre_contrat, gup
):
    photo = gup["mine"][PhotoSignalement]
    download = reverse("admin:gup_photosignalement_telecharger", args=[photo.pk])
    client.force_login(coordinateur_gup)

    page = client.get(_url(PhotoSignalement, "change", photo.pk)).content.decode()
    assert download in page
    assert photo.fichier.url not in page  # never the storage's address
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG

    client.force_login(agent_autre_contrat)
    assert client.get(download).status_code == 404


def test_the_changelists_filter_and_search(client, coordinateur_gup, gup):
    client.force_login(coordinateur_gup)

    found = _rows(client.get(_url(Signalement, "changelist"), {"q": "Conte"}))
    assert found == {gup["mine"][Signalement]}
    assert _rows(client.get(_url(Signalement, "changelist"), {"etat": "resolu"})) == set()
    assert _rows(client.get(_url(ChantierTremplin, "changelist"), {"annee": 2026})) == {
        gup["mine"][ChantierTremplin]
    }


def test_a_chantier_added_in_the_admin_keeps_its_counts_consistent(client, coordinateur_gup, gup):
    client.force_login(coordinateur_gup)
    quartier = gup["mine"][ChantierTremplin].quartier
    data = {
        "quartier": quartier.pk,
        "annee": 2026,
        "intitule": "Chantier incohérent",
        "operateur": factories.OrganisationFactory(nom="Régie").pk,
        "participants": 2,
        "femmes": 3,
        "hommes": 0,
        "residents_qpv": 0,
        **dict.fromkeys(
            [
                "sorties_emploi",
                "sorties_formation",
                "sorties_iae",
                "sorties_autre_suivi",
                "sorties_sans_solution",
            ],
            0,
        ),
        "financements-TOTAL_FORMS": 0,
        "financements-INITIAL_FORMS": 0,
    }

    response = client.post(_url(ChantierTremplin, "add"), data)

    assert response.status_code == 200
    assert "Femmes et hommes (3) dépassent le nombre de participants (2)." in (
        response.content.decode()
    )
    assert not ChantierTremplin.objects.filter(intitule="Chantier incohérent").exists()


def test_a_chantier_answers_a_diagnostic_of_its_quartier(client, coordinateur_gup, gup):
    chantier = gup["mine"][ChantierTremplin]
    ailleurs = DiagnosticFactory(quartier=QuartierFactory(contrat=chantier.quartier.contrat))
    client.force_login(coordinateur_gup)
    data = {
        "quartier": chantier.quartier_id,
        "annee": 2026,
        "intitule": chantier.intitule,
        "operateur": chantier.operateur_id,
        "diagnostic": ailleurs.pk,
        **{
            name: getattr(chantier, name)
            for name in [
                "participants",
                "femmes",
                "hommes",
                "residents_qpv",
                "sorties_emploi",
                "sorties_formation",
                "sorties_iae",
                "sorties_autre_suivi",
                "sorties_sans_solution",
            ]
        },
        "financements-TOTAL_FORMS": 0,
        "financements-INITIAL_FORMS": 0,
    }

    response = client.post(_url(ChantierTremplin, "change", chantier.pk), data)

    assert response.status_code == 200
    assert "Ce diagnostic a parcouru un autre quartier." in response.content.decode()
    chantier.refresh_from_db()
    assert chantier.diagnostic_id is None
