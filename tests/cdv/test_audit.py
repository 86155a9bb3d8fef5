"""The audit trail (issue 9 §2): who changed what and when, for every domain record, shown to
the record's staff; never a PRE or CitésLab identity in it."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from rest_framework.authtoken.models import Token

from cdv.models import AxeTransversal
from programmation.enums import EtatAction
from tests.pre.factories import EnfantFactory
from tests.pre.factories_parcours import ActionFactory as ActionParcoursFactory
from tests.programmation.factories import ActionCompleteFactory, mettre_a_l_etat

ACTIONS = "/api/v1/programmation/actions/"


@pytest.fixture
def action(contrat, porteur):
    return ActionCompleteFactory(
        appel__contrat=contrat, porteur=porteur.organisation, intitule="Soutien scolaire"
    )


@pytest.fixture
def modifiee_par_api(client, porteur, action):
    """The porteur renames the application through the API with its token (DRF authenticates
    it inside the view, after the middlewares)."""
    token = Token.objects.create(user=porteur)
    response = client.patch(
        f"{ACTIONS}{action.pk}/",
        {"intitule": "Aide aux devoirs"},
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}", "If-Match": 'W/"1"'},
    )
    assert response.status_code == 200
    return action


def test_an_api_change_is_kept_with_its_author_and_the_values_before_and_after(
    modifiee_par_api, porteur
):
    entree = LogEntry.objects.get_for_object(modifiee_par_api).get(action=LogEntry.Action.UPDATE)
    assert entree.actor == porteur
    assert entree.changes_dict["intitule"] == ["Soutien scolaire", "Aide aux devoirs"]
    assert "version" not in entree.changes_dict


def test_the_instructors_read_the_trail_on_the_action_page(
    client, agent_agglo, porteur, modifiee_par_api
):
    mettre_a_l_etat(modifiee_par_api, EtatAction.DEPOSEE)  # the team sees submitted ones
    client.force_login(agent_agglo)
    html = client.get(reverse("programmation:action_detail", args=[modifiee_par_api.pk]))
    html = html.content.decode()
    assert "Journal des modifications" in html
    assert "Intitulé : Soutien scolaire → Aide aux devoirs" in html
    assert porteur.get_full_name() in html


def test_the_porteur_does_not_read_the_trail(client, porteur, modifiee_par_api):
    client.force_login(porteur)
    html = client.get(reverse("programmation:action_detail", args=[modifiee_par_api.pk]))
    assert "Journal des modifications" not in html.content.decode()


def test_the_back_office_history_of_a_record_shows_its_trail(client, superuser, modifiee_par_api):
    client.force_login(superuser)
    url = reverse("admin:programmation_action_history", args=[modifiee_par_api.pk])
    html = client.get(url).content.decode()
    assert "Journal des modifications" in html
    assert "Soutien scolaire → Aide aux devoirs" in html


def test_creations_and_deletions_are_kept_with_their_author(client, agent_agglo, contrat):
    client.force_login(agent_agglo)
    response = client.post(
        "/api/v1/axes/",
        {"contrat": contrat.pk, "nom": "Égalité femmes-hommes"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    axe = AxeTransversal.objects.get(pk=response.json()["id"])
    assert client.delete(f"/api/v1/axes/{axe.pk}/").status_code == 204

    entrees = LogEntry.objects.filter(
        content_type__model="axetransversal", object_pk=str(axe.pk)
    ).order_by("timestamp")
    assert [(e.action, e.actor) for e in entrees] == [
        (LogEntry.Action.CREATE, agent_agglo),
        (LogEntry.Action.DELETE, agent_agglo),
    ]
    assert entrees[1].object_repr == "Égalité femmes-hommes"


def test_a_pre_record_is_traced_without_any_of_its_values(contrat):
    enfant = EnfantFactory(contrat=contrat, nom="Zanzibar", prenom="Ilyès")
    action = ActionParcoursFactory(parcours__enfant=enfant, intitule="Orthophonie d'Ilyès")
    action.intitule = "Orthophonie d'Ilyès Zanzibar"
    action.save()
    entrees = list(LogEntry.objects.get_for_object(action).order_by("timestamp"))
    # Created then modified, its intitulé named as changed, no value and no label kept.
    assert [e.action for e in entrees] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert entrees[1].changes_dict["intitule"] == ["(masqué)", "(masqué)"]
    assert entrees[1].object_repr == f"action du parcours n° {action.pk}"
    for entree in [*entrees, *LogEntry.objects.get_for_object(enfant)]:
        texte = f"{entree.changes} {entree.object_repr} {entree.serialized_data}"
        assert "Zanzibar" not in texte and "Ilyès" not in texte
