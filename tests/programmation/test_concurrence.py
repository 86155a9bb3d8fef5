"""No lost work on an application: two people editing the same action at once, on the page
or through the API. The first save wins; the second is refused with who saved, when, and
what differs, and nothing of it is written. Simultaneous requests (threads, each with its
own client and connection) prove it where row locks are real, on PostgreSQL; on SQLite,
which serialises whole transactions, the same requests run one after the other and the
same outcomes are asserted, so the tests never skip."""

import datetime
import html as htmllib
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cdv.enums import RoleCode
from programmation.enums import EtatAction
from programmation.models import Action, TransitionAction
from tests import factories
from tests.programmation.factories import ActionCompleteFactory, mettre_a_l_etat
from tests.programmation.test_views import form_data

ACTIONS = "/api/v1/programmation/actions/"
# 14:02 in Paris on 25 November (winter time, UTC+1).
MIDI_DEUX = datetime.datetime(2026, 11, 25, 13, 2, tzinfo=datetime.UTC)
REFUS = (
    "Cette demande a été modifiée par Inès Belkacem le 25/11/2026 à 14:02 pendant que "
    "vous la modifiiez : vos changements ne sont pas enregistrés. Voici la version "
    "actuelle ; reportez-y vos modifications."
)


@pytest.fixture
def collegue(porteur):
    """Another member of the porteur's association, who edits the same applications."""
    return factories.UserFactory(
        email="tresoriere@asso.fr",
        first_name="Inès",
        last_name="Belkacem",
        organisation=porteur.organisation,
        roles=[RoleCode.PORTEUR],
    )


@pytest.fixture
def action(contrat, porteur):
    return ActionCompleteFactory(
        appel__contrat=contrat,
        porteur=porteur.organisation,
        intitule="Soutien scolaire",
        lieux="Maison de quartier",
    )


def _edit_url(action):
    return reverse("programmation:action_edit", args=[action.pk])


def _form(client, user, action):
    """The application form as `user` reads it: its fields' values, as the browser sends."""
    client.force_login(user)
    response = client.get(_edit_url(action))
    assert response.status_code == 200
    return form_data(response.content.decode())


def _differences(html):
    """The rows of the conflict's table: {label: (typed, saved)}."""
    table = html.split('id="conflit"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td>', table, re.S)
    return {htmllib.unescape(a): (htmllib.unescape(b), htmllib.unescape(c)) for a, b, c in rows}


def _en_meme_temps(taches):
    """Run the tasks at the same instant, each in its own thread and database connection,
    on PostgreSQL; on SQLite (whole-database locks, an in-memory test database) one after
    the other in this thread. Returns each task's result (or exception), in order."""
    if connection.vendor != "postgresql":
        return [tache() for tache in taches]
    resultats = [None] * len(taches)
    barriere = threading.Barrier(len(taches))

    def lancer(index, tache):
        try:
            barriere.wait(timeout=10)
            resultats[index] = tache()
        except Exception as exc:  # noqa: BLE001 - reported by the test's assertions
            resultats[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=lancer, args=item) for item in enumerate(taches)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return resultats


# The page -----------------------------------------------------------------------------------


def test_it_refuses_the_second_of_two_saves_and_keeps_what_was_typed(
    client, porteur, collegue, action
):
    autre = Client()
    mien = _form(client, porteur, action)
    sien = _form(autre, collegue, action)
    assert mien["action-version"] == sien["action-version"] == "1"

    sien["action-intitule"] = "Aide aux devoirs"
    sien["action-lieux"] = "Collège Varsovie"
    response = autre.post(_edit_url(action), {**sien, "brouillon": "1"})
    assert response.status_code == 302
    Action.objects.filter(pk=action.pk).update(modifiee_le=MIDI_DEUX)

    mien["action-intitule"] = "Soutien scolaire renforcé"
    mien["action-description"] = "Deux ateliers par semaine."
    response = client.post(_edit_url(action), {**mien, "brouillon": "1"})

    assert response.status_code == 200
    html = response.content.decode()
    assert REFUS in htmllib.unescape(html)
    assert _differences(html) == {
        "Intitulé": ("Soutien scolaire renforcé", "Aide aux devoirs"),
        "Description": (
            "Deux ateliers par semaine.",
            "Ateliers hebdomadaires de soutien scolaire.",
        ),
        # Untouched by this user, changed by the other: shown too, so it is not undone blindly.
        "Lieux": ("Maison de quartier", "Collège Varsovie"),
    }
    # What this user typed is still in the form, now at the current version.
    retour = form_data(html)
    assert retour["action-intitule"] == "Soutien scolaire renforcé"
    assert retour["action-description"] == "Deux ateliers par semaine."
    assert retour["action-version"] == "2"
    action.refresh_from_db()
    assert (action.intitule, action.description, action.lieux, action.version) == (
        "Aide aux devoirs",
        "Ateliers hebdomadaires de soutien scolaire.",
        "Collège Varsovie",
        2,
    )
    assert action.modifiee_par == collegue

    # Having seen the other's changes, the user reports them and saves on purpose.
    retour["action-lieux"] = "Collège Varsovie"
    response = client.post(_edit_url(action), {**retour, "brouillon": "1"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.intitule, action.lieux, action.version) == (
        "Soutien scolaire renforcé",
        "Collège Varsovie",
        3,
    )


def test_it_lists_a_table_that_differs(client, porteur, collegue, action):
    autre = Client()
    mien = _form(client, porteur, action)
    sien = _form(autre, collegue, action)
    # The colleague raises the 64 line (the second of the budget's lines, by compte) to 9 000 €.
    assert sien["budget-1-compte"] == "64"
    sien["budget-1-montant_previsionnel"] = "9 000,00"
    assert autre.post(_edit_url(action), {**sien, "brouillon": "1"}).status_code == 302

    response = client.post(_edit_url(action), {**mien, "brouillon": "1"})

    differences = _differences(response.content.decode())
    saisi, enregistre = differences["Budget prévisionnel"]
    assert "8000" in saisi and "8000" not in enregistre
    assert "9000" in enregistre and "9000" not in saisi
    assert set(differences) == {"Budget prévisionnel"}
    assert action.lignes_budget.get(compte="64").montant_previsionnel == 9000


def test_a_save_without_the_version_read_is_refused(client, porteur, action):
    data = _form(client, porteur, action)
    del data["action-version"]
    data["action-intitule"] = "Aide aux devoirs"

    response = client.post(_edit_url(action), {**data, "brouillon": "1"})

    assert response.status_code == 200
    assert "Indiquez la version de la demande que vous avez lue" in htmllib.unescape(
        response.content.decode()
    )
    action.refresh_from_db()
    assert (action.intitule, action.version) == ("Soutien scolaire", 1)


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_saves_let_exactly_one_through(contrat, porteur):
    action = ActionCompleteFactory(appel__contrat=contrat, porteur=porteur.organisation)
    membres = [
        factories.UserFactory(organisation=porteur.organisation, roles=[RoleCode.PORTEUR])
        for _ in range(8)
    ]
    clients = []
    for membre in membres:
        clients.append(Client())
        clients[-1].force_login(membre)
    lu = _form(clients[0], membres[0], action)  # everyone starts from version 1

    def enregistrer(numero):
        data = {**lu, "action-intitule": f"Version n° {numero}", "brouillon": "1"}
        return clients[numero].post(_edit_url(action), data)

    reponses = _en_meme_temps([lambda n=n: enregistrer(n) for n in range(8)])

    codes = [getattr(reponse, "status_code", reponse) for reponse in reponses]
    gagnants = [n for n, code in enumerate(codes) if code == 302]
    refus = [n for n, code in enumerate(codes) if code == 200]
    assert (len(gagnants), len(refus)) == (1, 7), codes
    for n in refus:
        assert "pendant que vous la modifiiez" in reponses[n].content.decode()
    action.refresh_from_db()
    # No lost update: the row is the winner's, and its version moved once.
    assert (action.intitule, action.version, action.modifiee_par) == (
        f"Version n° {gagnants[0]}",
        2,
        membres[gagnants[0]],
    )


@pytest.mark.django_db(transaction=True)
def test_two_instructors_taking_the_same_step_at_once_record_it_once(contrat, porteur):
    action = ActionCompleteFactory(appel__contrat=contrat, porteur=porteur.organisation)
    mettre_a_l_etat(action, EtatAction.EN_INSTRUCTION)
    agents = [
        factories.UserFactory(
            organisation=contrat.epci, roles=[RoleCode.ADMIN_PDV], contrats=[contrat]
        )
        for _ in range(2)
    ]
    clients = []
    for agent in agents:
        clients.append(Client())
        clients[-1].force_login(agent)
    url = reverse("programmation:action_step", args=[action.pk])

    def demander(numero):
        commentaire = f"Joindre le budget détaillé (agent {numero})."
        return clients[numero].post(
            url, {"code": "demander_complements", "commentaire": commentaire}
        )

    reponses = _en_meme_temps([lambda n=n: demander(n) for n in range(2)])

    codes = sorted(getattr(reponse, "status_code", reponse) for reponse in reponses)
    assert codes == [302, 403]
    gagnant = next(n for n, r in enumerate(reponses) if r.status_code == 302)
    (etape,) = TransitionAction.objects.filter(action=action)
    assert (etape.code, etape.auteur, etape.commentaire) == (
        "demander_complements",
        agents[gagnant],
        f"Joindre le budget détaillé (agent {gagnant}).",
    )
    action.refresh_from_db()
    assert action.etat == EtatAction.A_COMPLETER


# The API ------------------------------------------------------------------------------------


def _patch(client, action, data, **headers):
    return client.patch(
        f"{ACTIONS}{action.pk}/", data, content_type="application/json", headers=headers
    )


def test_the_detail_gives_its_version_and_a_save_returns_the_next(client, porteur, action):
    client.force_login(porteur)
    response = client.get(f"{ACTIONS}{action.pk}/")
    assert response["ETag"] == 'W/"1"'
    assert response.json()["version"] == 1

    response = _patch(client, action, {"intitule": "Aide aux devoirs"}, **{"If-Match": 'W/"1"'})

    assert response.status_code == 200, response.content
    assert response["ETag"] == 'W/"2"'
    assert (response.json()["version"], response.json()["intitule"]) == (2, "Aide aux devoirs")
    action.refresh_from_db()
    # Only the field sent changed.
    assert (action.intitule, action.lieux, action.version) == (
        "Aide aux devoirs",
        "Maison de quartier",
        2,
    )


def test_a_stale_if_match_answers_412_and_writes_nothing(client, porteur, collegue, action):
    client.force_login(collegue)
    assert (
        _patch(client, action, {"intitule": "Aide aux devoirs"}, **{"If-Match": 'W/"1"'})["ETag"]
        == 'W/"2"'
    )
    Action.objects.filter(pk=action.pk).update(modifiee_le=MIDI_DEUX)

    client.force_login(porteur)
    response = _patch(client, action, {"lieux": "Collège Varsovie"}, **{"If-Match": 'W/"1"'})

    assert response.status_code == 412
    assert response["ETag"] == 'W/"2"'
    body = response.json()
    assert body["detail"] == REFUS
    assert (body["version"], body["actuelle"]["intitule"]) == (2, "Aide aux devoirs")
    action.refresh_from_db()
    assert (action.lieux, action.version) == ("Maison de quartier", 2)


def test_a_stale_version_in_the_body_answers_409(client, porteur, collegue, action):
    client.force_login(collegue)
    assert _patch(client, action, {"intitule": "Aide aux devoirs", "version": 1}).status_code == 200

    client.force_login(porteur)
    response = _patch(client, action, {"intitule": "Soutien renforcé", "version": 1})

    assert response.status_code == 409
    assert response.json()["detail"].startswith("Cette demande a été modifiée par Inès Belkacem")
    action.refresh_from_db()
    assert (action.intitule, action.version) == ("Aide aux devoirs", 2)


def test_a_write_must_name_the_version_it_was_read_at(client, porteur, action):
    client.force_login(porteur)

    response = _patch(client, action, {"intitule": "Aide aux devoirs"})

    assert response.status_code == 400
    assert response.json()["version"] == [
        "Indiquez la version de la demande que vous avez lue : en-tête If-Match (valeur de "
        "l'en-tête ETag du détail) ou champ version."
    ]
    action.refresh_from_db()
    assert (action.intitule, action.version) == ("Soutien scolaire", 1)


def test_put_replaces_the_content_with_the_forms_rules(client, porteur, action, autre_contrat):
    client.force_login(porteur)
    url = f"{ACTIONS}{action.pk}/"
    ailleurs = factories.PilierFactory(contrat=autre_contrat)

    refus = client.put(
        url,
        {"intitule": "Aide aux devoirs", "pilier": ailleurs.pk},
        content_type="application/json",
        headers={"If-Match": 'W/"1"'},
    )
    assert refus.status_code == 400
    assert "pilier" in refus.json()

    response = client.put(
        url,
        {"intitule": "Aide aux devoirs", "beneficiaires_prevus": 25, "part_femmes": "52.5"},
        content_type="application/json",
        headers={"If-Match": 'W/"1"'},
    )
    assert response.status_code == 200, response.content
    action.refresh_from_db()
    # Absent fields are emptied; the workflow's fields are not the content's.
    assert (action.intitule, action.beneficiaires_prevus, str(action.part_femmes)) == (
        "Aide aux devoirs",
        25,
        "52.50",
    )
    assert (action.lieux, action.pilier_id, action.etat, action.version) == (
        "",
        None,
        EtatAction.BROUILLON,
        2,
    )


def test_only_the_porteur_edits_and_only_a_draft(client, porteur, agent_agglo, action):
    mettre_a_l_etat(action, EtatAction.DEPOSEE)
    client.force_login(agent_agglo)
    assert _patch(client, action, {"intitule": "X", "version": 1}).status_code == 403
    client.force_login(porteur)
    assert _patch(client, action, {"intitule": "X", "version": 1}).status_code == 403
    action.refresh_from_db()
    assert (action.intitule, action.version) == ("Soutien scolaire", 1)
