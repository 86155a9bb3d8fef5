from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmation.enums import EtatAction, SensAvis
from programmation.models import (
    Action,
    ActionQuartier,
    AppelAProjets,
    Avis,
    Enveloppe,
    Financement,
    Indicateur,
    LigneBudget,
    Priorite,
    TransitionAction,
)
from tests import factories
from tests.programmation.factories import (
    ActionCompleteFactory,
    ActionFactory,
    AppelFactory,
    FinancementFactory,
    QuartierFactory,
)

MODELS = [
    AppelAProjets,
    Priorite,
    Enveloppe,
    Action,
    ActionQuartier,
    Indicateur,
    Financement,
    LigneBudget,
    Avis,
    TransitionAction,
]
# The inline formsets of the action page, all empty in a posted form.
ACTION_INLINES = ["quartiers", "indicateurs", "financements", "lignes_budget", "transitions"]


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _names(response):
    assert response.status_code == 200
    return {str(obj) for obj in response.context["cl"].result_list}


def _refused(response):
    """Another contract's record: the admin answers as if it did not exist."""
    assert response.status_code in (302, 404)
    return response.status_code == 404 or response["Location"] == reverse("admin:index")


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _deposee(**kwargs):
    action = ActionCompleteFactory(**kwargs)
    Action.objects.filter(pk=action.pk).update(etat=EtatAction.DEPOSEE)
    action.refresh_from_db()
    return action


def _etape(action, auteur, code="deposer", avant=EtatAction.BROUILLON, apres=EtatAction.DEPOSEE):
    return TransitionAction.objects.create(
        action=action, code=code, etat_avant=avant, etat_apres=apres, auteur=auteur
    )


@pytest.fixture
def programmation(contrat, autre_contrat, agent_agglo, porteur):
    """A call with a deposited action and a draft on `contrat`, the same on another contract."""

    def build(c, nom):
        appel = AppelFactory(contrat=c, titre=f"Appel {nom}")
        action = _deposee(appel=appel, porteur=porteur.organisation, intitule=f"Action {nom}")
        brouillon = ActionFactory(appel=appel, intitule=f"Brouillon {nom}")
        priorite = Priorite.objects.create(
            appel=appel, pilier=factories.PilierFactory(contrat=c), texte=f"Priorité {nom}"
        )
        enveloppe = Enveloppe.objects.create(
            appel=appel, financeur=c.epci, montant=Decimal("100000")
        )
        avis = Avis.objects.create(
            action=action,
            financeur=c.epci,
            auteur=agent_agglo,
            sens=SensAvis.FAVORABLE,
            commentaire="Action utile",
            annotation_privee=f"Secret {nom}",
        )
        return {
            "appel": appel,
            "action": action,
            "brouillon": brouillon,
            "priorite": priorite,
            "enveloppe": enveloppe,
            "avis": avis,
            "etape": _etape(action, agent_agglo),
            "quartier": action.quartiers.get(),
            "indicateur": action.indicateurs.get(),
            "financement": action.financements.get(),
            "ligne": action.lignes_budget.first(),
        }

    return {"mien": build(contrat, "Carcassonne"), "autre": build(autre_contrat, "Narbonne")}


def test_every_model_is_registered_and_searchable():
    for model in MODELS:
        assert model in admin.site._registry, model
        assert admin.site._registry[model].get_search_fields(None), model


def test_superuser_opens_every_page_of_every_model(client, superuser, programmation):
    client.force_login(superuser)

    for model in MODELS:
        assert client.get(_url(model, "changelist")).status_code == 200, model
        expected = 403 if model is TransitionAction else 200
        assert client.get(_url(model, "add")).status_code == expected, model
        obj = model._default_manager.first()
        assert client.get(_url(model, "change", obj.pk)).status_code == 200, model


# Scope -------------------------------------------------------------------------------------


def test_admin_pdv_sees_only_its_contracts_calls_and_deposited_actions(
    client, agent_agglo, programmation
):
    client.force_login(agent_agglo)

    assert _names(client.get(_url(AppelAProjets, "changelist"))) == {"Appel Carcassonne"}
    # Drafts stay with their porteur until they are deposited.
    assert _names(client.get(_url(Action, "changelist"))) == {"Action Carcassonne"}
    mien = programmation["mien"]
    for key in ["priorite", "enveloppe", "avis", "etape", "quartier", "indicateur", "financement"]:
        obj = mien[key]
        assert _names(client.get(_url(type(obj), "changelist"))) == {str(obj)}, key


@pytest.mark.parametrize(
    "key",
    ["appel", "action", "priorite", "enveloppe", "avis", "etape", "quartier", "financement"],
)
def test_admin_pdv_cannot_open_another_contracts_record(client, agent_agglo, programmation, key):
    client.force_login(agent_agglo)
    obj = programmation["autre"][key]

    assert _refused(client.get(_url(type(obj), "change", obj.pk)))


def test_admin_pdv_edits_its_calls_and_only_reads_actions(client, agent_agglo, programmation):
    client.force_login(agent_agglo)
    mien = programmation["mien"]
    request = _request(agent_agglo)

    assert admin.site._registry[AppelAProjets].has_change_permission(request, mien["appel"])
    for model in [Action, Financement, LigneBudget, Avis]:
        model_admin = admin.site._registry[model]
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_add_permission(request), model
    action = mien["action"]
    response = client.post(_url(Action, "change", action.pk), {"intitule": "Autre titre"})
    assert response.status_code == 403


def test_admin_pdv_cannot_file_a_call_under_another_contract(
    client, agent_agglo, programmation, autre_contrat
):
    client.force_login(agent_agglo)
    appel = programmation["mien"]["appel"]
    data = {
        "contrat": autre_contrat.pk,
        "annee": 2027,
        "titre": "Appel déplacé",
        "etat": "ouvert",
        "seuil_demande_simplifiee": "5000",
        "seuil_ecart_bilan": "15",
    }
    for prefix in ["priorites", "enveloppes"]:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    response = client.post(_url(AppelAProjets, "change", appel.pk), data)

    assert response.status_code == 200
    assert "contrat" in response.context["adminform"].form.errors
    appel.refresh_from_db()
    assert appel.titre == "Appel Carcassonne"

    data["contrat"] = appel.contrat_id
    response = client.post(_url(AppelAProjets, "change", appel.pk), data)
    assert response.status_code == 302
    appel.refresh_from_db()
    assert (appel.titre, appel.annee) == ("Appel déplacé", 2027)


def test_an_instructor_sees_only_the_actions_its_organisation_is_asked_for(
    client, partenaire_etat, contrat
):
    appel = AppelFactory(contrat=contrat)
    sollicitee = _deposee(appel=appel, intitule="Sollicitée")
    _deposee(appel=appel, intitule="Pas sollicitée")
    FinancementFactory(action=sollicitee, financeur=partenaire_etat.organisation)
    client.force_login(partenaire_etat)

    assert _names(client.get(_url(Action, "changelist"))) == {"Sollicitée"}
    financements = client.get(_url(Financement, "changelist")).context["cl"].result_list
    assert {f.action for f in financements} == {sollicitee}
    autre = Action.objects.get(intitule="Pas sollicitée")
    assert _refused(client.get(_url(Action, "change", autre.pk)))
    response = client.post(_url(Action, "change", sollicitee.pk), {"intitule": "X"})
    assert response.status_code == 403


# The action page -----------------------------------------------------------------------------


def test_the_state_of_an_action_is_shown_but_not_editable(client, superuser, programmation):
    action = programmation["mien"]["action"]
    client.force_login(superuser)
    url = _url(Action, "change", action.pk)

    form = client.get(url).context["adminform"].form
    assert "etat" not in form.fields
    data = {
        "appel": action.appel_id,
        "porteur": action.porteur_id,
        "intitule": "Titre corrigé",
        "etat": EtatAction.PROGRAMMEE,
    }
    for prefix in ACTION_INLINES:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    action.refresh_from_db()
    assert action.intitule == "Titre corrigé"
    assert action.etat == EtatAction.DEPOSEE


def test_the_history_is_read_only_even_for_a_superuser(client, superuser, programmation):
    etape = programmation["mien"]["etape"]
    client.force_login(superuser)
    request = _request(superuser)

    history_admin = admin.site._registry[TransitionAction]
    assert not history_admin.has_add_permission(request)
    assert not history_admin.has_change_permission(request, etape)
    assert not history_admin.has_delete_permission(request, etape)
    assert client.get(_url(TransitionAction, "add")).status_code == 403
    response = client.post(_url(TransitionAction, "change", etape.pk), {"commentaire": "réécrit"})
    assert response.status_code == 403
    assert client.post(_url(TransitionAction, "delete", etape.pk)).status_code == 403
    changelist = client.get(_url(TransitionAction, "changelist"))
    assert "delete_selected" not in changelist.context["cl"].model_admin.get_actions(request)
    etape.refresh_from_db()
    assert etape.commentaire == ""


def test_the_action_page_shows_its_history_without_letting_it_be_edited(
    client, superuser, programmation
):
    action = programmation["mien"]["action"]
    client.force_login(superuser)

    response = client.get(_url(Action, "change", action.pk))

    inline = next(
        f for f in response.context["inline_admin_formsets"] if f.opts.model is TransitionAction
    )
    assert not inline.has_add_permission
    assert not inline.has_change_permission
    assert not inline.has_delete_permission
    assert [row.original for row in inline] == [programmation["mien"]["etape"]]


def test_an_action_with_a_history_cannot_be_deleted_from_the_admin(
    client, superuser, programmation
):
    action = programmation["mien"]["action"]
    client.force_login(superuser)

    response = client.post(_url(Action, "delete", action.pk), {"post": "yes"})

    assert response.status_code == 403
    assert TransitionAction.objects.filter(action=action).exists()


def test_the_list_shows_the_total_requested_in_a_constant_number_of_queries(
    client, superuser, contrat
):
    appel = AppelFactory(contrat=contrat)
    action = _deposee(appel=appel)
    FinancementFactory(action=action, montant_demande=Decimal("1500"))
    client.force_login(superuser)
    url = _url(Action, "changelist")

    with CaptureQueriesContext(connection) as one_row:
        response = client.get(url)
    assert [a.montant_demande for a in response.context["cl"].result_list] == [Decimal("7500")]
    for _ in range(3):
        _deposee(appel=appel)
    with CaptureQueriesContext(connection) as four_rows:
        response = client.get(url)

    assert len(response.context["cl"].result_list) == 4
    assert len(four_rows) == len(one_row)


def test_the_list_filters_by_state_year_and_pillar(client, superuser, programmation):
    client.force_login(superuser)
    mien = programmation["mien"]

    url = _url(Action, "changelist")
    assert _names(client.get(url, {"etat__exact": EtatAction.BROUILLON})) == {
        "Brouillon Carcassonne",
        "Brouillon Narbonne",
    }
    assert len(_names(client.get(url, {"appel__annee": 2026}))) == 4
    pilier = mien["action"].pilier
    assert _names(client.get(url, {"pilier__id__exact": pilier.pk})) == {"Action Carcassonne"}
    assert _names(client.get(url, {"q": "Narbonne"})) == {"Action Narbonne", "Brouillon Narbonne"}


# Opinions ----------------------------------------------------------------------------------


def test_the_private_annotation_is_read_by_the_actions_instructors(
    client, agent_agglo, programmation
):
    avis = programmation["mien"]["avis"]
    client.force_login(agent_agglo)

    response = client.get(_url(Avis, "change", avis.pk))

    assert "Secret Carcassonne" in response.content.decode()


def test_the_private_annotation_is_hidden_from_other_readers(lecteur, programmation):
    """A partner who reads the programmation does not read the instructors' annotations."""
    avis = programmation["mien"]["avis"]
    avis_admin = admin.site._registry[Avis]
    request = _request(lecteur)

    assert "annotation_privee" not in avis_admin.get_fields(request, avis)
    assert "annotation_privee" not in avis_admin.get_form(request, avis).base_fields


def test_the_private_annotation_is_never_searched(client, superuser, programmation):
    client.force_login(superuser)

    assert _names(client.get(_url(Avis, "changelist"), {"q": "Secret"})) == set()


def test_a_quartier_of_an_action_is_chosen_among_the_users_quartiers(
    agent_agglo, programmation, contrat, autre_contrat
):
    QuartierFactory(contrat=contrat, nom="La Conte")
    QuartierFactory(contrat=autre_contrat, nom="Razimbaud")
    inline = admin.site._registry[Action].get_inline_instances(_request(agent_agglo))[0]
    field = ActionQuartier._meta.get_field("quartier")

    choices = inline.formfield_for_foreignkey(field, _request(agent_agglo)).queryset

    assert "La Conte" in {q.nom for q in choices}
    assert "Razimbaud" not in {q.nom for q in choices}
