"""Who is told, by e-mail after commit, that an action moved, and what they read."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from cdv.enums import RoleCode
from programmation import notifications, services, tasks
from programmation.enums import EtatAction
from tests import factories
from tests.programmation.factories import ActionCompleteFactory, mettre_a_l_etat, solliciter


@pytest.fixture
def tresoriere(porteur):
    """A second porteur of the same association."""
    return factories.UserFactory(
        email="tresoriere@asso.fr", organisation=porteur.organisation, roles=[RoleCode.PORTEUR]
    )


@pytest.fixture
def entourage(contrat, autre_contrat, porteur, partenaire_etat, tresoriere):
    """People who must not be written to, whatever the step."""
    factories.UserFactory(email="benevole@asso.fr", organisation=porteur.organisation)
    factories.UserFactory(
        email="ancien@asso.fr",
        organisation=porteur.organisation,
        roles=[RoleCode.PORTEUR],
        is_active=False,
    )
    factories.UserFactory(
        email="instructeur-narbonne@aude.gouv.fr",
        organisation=partenaire_etat.organisation,
        roles=[RoleCode.INSTRUCTEUR_FINANCEUR],
        contrats=[autre_contrat],
    )
    factories.UserFactory(
        email="instructeur@aude.fr",
        organisation=factories.OrganisationFactory(nom="Département de l'Aude", rna=""),
        roles=[RoleCode.INSTRUCTEUR_FINANCEUR],
        contrats=[contrat],
    )
    factories.UserFactory(
        email="lecteur@ville.fr",
        organisation=contrat.epci,
        roles=[RoleCode.LECTEUR_PARTENAIRE],
        contrats=[contrat],
    )


@pytest.fixture
def action(contrat, porteur, partenaire_etat, entourage):
    action = ActionCompleteFactory(
        appel__contrat=contrat,
        appel__titre="Appel à projets 2026",
        porteur=porteur.organisation,
        intitule="L'atelier d'écriture & théâtre",
    )
    solliciter(action, partenaire_etat.organisation, "3000")
    return action


def _send(capture, **kwargs):
    mail.outbox.clear()
    with capture(execute=True) as callbacks:
        services.action_transition(**kwargs)
    assert len(callbacks) == 1
    return sorted(mail.outbox, key=lambda m: m.to)


def _recipients(messages):
    # One message per person: nobody learns who else was written to.
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in messages)
    return [m.to[0] for m in messages]


def test_a_deposit_reaches_the_other_porteurs_and_the_contracts_team(
    action, porteur, agent_agglo, agent_autre_contrat, django_capture_on_commit_callbacks
):
    collegue = factories.UserFactory(
        email="collegue@agglo.fr",
        organisation=agent_agglo.organisation,
        roles=[RoleCode.ADMIN_PDV],
        contrats=[action.appel.contrat],
    )

    messages = _send(
        django_capture_on_commit_callbacks, action=action, code="deposer", user=porteur
    )

    assert _recipients(messages) == [agent_agglo.email, collegue.email, "tresoriere@asso.fr"]


def test_a_request_for_completions_reaches_the_porteurs_in_french_with_its_message(
    action, porteur, agent_agglo, django_capture_on_commit_callbacks
):
    services.action_transition(action=action, code="deposer", user=porteur)
    services.action_transition(action=action, code="instruire", user=agent_agglo)

    messages = _send(
        django_capture_on_commit_callbacks,
        action=action,
        code="demander_complements",
        user=agent_agglo,
        commentaire="Merci de joindre le RIB de l'association.",
    )

    # Not the author, who is also the assigned instructor.
    assert _recipients(messages) == [porteur.email, "tresoriere@asso.fr"]
    message = messages[0]
    assert message.subject == "[cdv] L'atelier d'écriture & théâtre : à compléter"
    assert (
        "L'action « L'atelier d'écriture & théâtre » (Appel à projets 2026) est passée de "
        "l'état « En instruction » à l'état « À compléter »"
    ) in message.body
    assert re.search(r"le \d\d/\d\d/\d{4} à \d\d:\d\d, par Camille Martin\d+\.", message.body)
    assert "Message :\nMerci de joindre le RIB de l'association.\n" in message.body
    lien = reverse("programmation:action_detail", args=[action.pk])
    assert f"Retrouvez l'action sur la plateforme : {settings.SITE_URL.rstrip('/')}{lien}\n" in (
        message.body
    )
    assert "&#x27;" not in message.body + message.subject
    assert "&amp;" not in message.body + message.subject


def test_the_assigned_instructor_hears_from_the_porteur(
    action, porteur, agent_agglo, django_capture_on_commit_callbacks
):
    services.action_transition(action=action, code="deposer", user=porteur)
    services.action_transition(action=action, code="instruire", user=agent_agglo)
    services.action_transition(
        action=action, code="demander_complements", user=agent_agglo, commentaire="RIB ?"
    )
    factories.UserFactory(
        email="collegue@agglo.fr",
        organisation=agent_agglo.organisation,
        roles=[RoleCode.ADMIN_PDV],
        contrats=[action.appel.contrat],
    )

    messages = _send(
        django_capture_on_commit_callbacks,
        action=action,
        code="completer",
        user=porteur,
        commentaire="RIB joint.",
    )

    # Once an instructor is assigned, the rest of the team is not written to.
    assert _recipients(messages) == [agent_agglo.email, "tresoriere@asso.fr"]
    assert messages[0].subject == "[cdv] L'atelier d'écriture & théâtre : en instruction"
    assert "Message :\nRIB joint.\n" in messages[0].body


def test_seeking_opinions_reaches_the_solicited_funders_instructors_of_the_contract(
    action, porteur, agent_agglo, partenaire_etat, django_capture_on_commit_callbacks
):
    mettre_a_l_etat(action, EtatAction.EN_INSTRUCTION)
    action.instructeur = agent_agglo
    action.save()

    messages = _send(
        django_capture_on_commit_callbacks,
        action=action,
        code="solliciter_avis",
        user=agent_agglo,
    )

    assert _recipients(messages) == [
        partenaire_etat.email,
        porteur.email,
        "tresoriere@asso.fr",
    ]
    assert messages[0].subject == "[cdv] L'atelier d'écriture & théâtre : avis des financeurs"
    assert "Message :" not in messages[0].body


def test_a_colleague_taking_a_step_tells_the_assigned_instructor(
    action, agent_agglo, porteur, django_capture_on_commit_callbacks
):
    collegue = factories.UserFactory(
        email="collegue@agglo.fr",
        organisation=agent_agglo.organisation,
        roles=[RoleCode.ADMIN_PDV],
        contrats=[action.appel.contrat],
    )
    mettre_a_l_etat(action, EtatAction.BILAN_DEPOSE)
    action.instructeur = agent_agglo
    action.save()

    messages = _send(
        django_capture_on_commit_callbacks, action=action, code="solder", user=collegue
    )

    assert _recipients(messages) == [agent_agglo.email, porteur.email, "tresoriere@asso.fr"]
    assert messages[0].subject == "[cdv] L'atelier d'écriture & théâtre : bilan validé, soldée"


def test_abandoning_a_draft_concerns_the_porteur_alone(
    action, porteur, agent_agglo, django_capture_on_commit_callbacks
):
    messages = _send(
        django_capture_on_commit_callbacks, action=action, code="abandonner", user=porteur
    )

    assert _recipients(messages) == ["tresoriere@asso.fr"]


def test_nothing_leaves_before_the_commit(
    action, porteur, agent_agglo, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.action_transition(action=action, code="deposer", user=porteur)

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_a_title_with_a_line_break_keeps_the_subject_on_one_line(
    action, porteur, agent_agglo, django_capture_on_commit_callbacks
):
    action.intitule = "Atelier\nd'été"
    action.save()

    messages = _send(
        django_capture_on_commit_callbacks, action=action, code="deposer", user=porteur
    )

    assert messages[0].subject == "[cdv] Atelier d'été : déposée"


def test_nothing_is_sent_for_a_step_that_does_not_exist(db):
    assert notifications.transition_notify(transition_id=987654) == 0
    assert tasks.notify_transition.delay(987654).get() == 0
    assert mail.outbox == []
