"""The message thread between the porteur and the instructors of an action: who writes, who
reads, who is told by e-mail (after commit, through Celery)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cdv.enums import RoleCode
from programmation import services_echanges
from programmation.enums import EtatAction
from programmation.models import Message
from tests import factories
from tests.programmation.factories import ActionCompleteFactory, mettre_a_l_etat, solliciter


@pytest.fixture
def tresoriere(porteur):
    """A second porteur of the same association."""
    return factories.UserFactory(
        email="tresoriere@asso.fr", organisation=porteur.organisation, roles=[RoleCode.PORTEUR]
    )


@pytest.fixture
def entourage(porteur, autre_contrat):
    """People who are never written to: a member without the porteur role, a former porteur,
    the PDV team of another contract."""
    factories.UserFactory(email="benevole@asso.fr", organisation=porteur.organisation)
    factories.UserFactory(
        email="ancien@asso.fr",
        organisation=porteur.organisation,
        roles=[RoleCode.PORTEUR],
        is_active=False,
    )
    factories.UserFactory(
        email="agent2@narbonne.fr", roles=[RoleCode.ADMIN_PDV], contrats=[autre_contrat]
    )


@pytest.fixture
def action(contrat, porteur, partenaire_etat, agent_agglo, tresoriere, entourage):
    """A deposited application asking the État for its crédits spécifiques."""
    action = ActionCompleteFactory(
        appel__contrat=contrat, porteur=porteur.organisation, intitule="Atelier théâtre"
    )
    solliciter(action, partenaire_etat.organisation, "3000")
    return mettre_a_l_etat(action, EtatAction.DEPOSEE)


def _post(client, user, action, texte, capture):
    client.force_login(user)
    mail.outbox.clear()
    with capture(execute=True):
        return client.post(
            reverse("programmation:message_post", args=[action.pk]), {"texte": texte}
        )


def _recipients():
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody learns who else was told
    return sorted(m.to[0] for m in mail.outbox)


def test_the_porteur_writes_and_the_contract_team_is_told(
    client, porteur, action, django_capture_on_commit_callbacks
):
    response = _post(
        client,
        porteur,
        action,
        "  Bonjour,\nfaut-il joindre le bilan 2025 ?  ",
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("programmation:action_detail", args=[action.pk]) + "#messages"
    )
    message = Message.objects.get()
    assert (message.action, message.auteur, message.texte) == (
        action,
        porteur,
        "Bonjour,\nfaut-il joindre le bilan 2025 ?",
    )
    # No instructor assigned yet: the contract's PDV team.
    assert _recipients() == ["agent@agglo.fr"]
    email = mail.outbox[0]
    assert email.subject == f"[cdv] Atelier théâtre : nouveau message de {porteur.get_full_name()}"
    assert "faut-il joindre le bilan 2025 ?" in email.body
    assert f"/programmation/actions/{action.pk}/#messages" in email.body


def test_the_assigned_instructor_alone_hears_from_the_porteur(
    client, porteur, action, agent_agglo, django_capture_on_commit_callbacks
):
    instructrice = factories.UserFactory(
        email="instructrice@agglo.fr",
        organisation=agent_agglo.organisation,
        roles=[RoleCode.ADMIN_PDV],
        contrats=agent_agglo.contrats.all(),
    )
    action.instructeur = instructrice
    action.save()

    _post(client, porteur, action, "Voici nos précisions.", django_capture_on_commit_callbacks)

    assert _recipients() == ["instructrice@agglo.fr"]


@pytest.mark.parametrize("persona", ["agent_agglo", "partenaire_etat"])
def test_staff_and_solicited_instructors_write_to_the_porteurs(
    client, request, action, persona, django_capture_on_commit_callbacks
):
    auteur = request.getfixturevalue(persona)

    response = _post(
        client, auteur, action, "Merci de préciser le budget.", django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert Message.objects.get().auteur == auteur
    assert _recipients() == ["presidente@asso.fr", "tresoriere@asso.fr"]


def test_the_author_is_not_told_of_their_own_message(
    client, porteur, tresoriere, action, agent_agglo, django_capture_on_commit_callbacks
):
    _post(client, agent_agglo, action, "Une question.", django_capture_on_commit_callbacks)
    _post(client, tresoriere, action, "Une réponse.", django_capture_on_commit_callbacks)

    assert _recipients() == ["agent@agglo.fr"]


def test_an_empty_message_is_refused_next_to_its_field_and_nothing_is_sent(
    client, porteur, action, django_capture_on_commit_callbacks
):
    response = _post(client, porteur, action, "   \n ", django_capture_on_commit_callbacks)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="error" id="id_message_texte_error"><p>Écrivez votre message avant ' in html
    assert 'aria-describedby="id_message_texte_error"' in html
    assert 'aria-invalid="true"' in html
    assert not Message.objects.exists()
    assert mail.outbox == []
    with pytest.raises(ValidationError) as refused:
        services_echanges.message_post(action=action, user=porteur, texte=" ")
    assert "texte" in refused.value.message_dict


def test_the_thread_shows_every_message_oldest_first_with_author_and_date(
    client, porteur, agent_agglo, action, lecteur
):
    agent_agglo.first_name, agent_agglo.last_name = "Sophie", "Marty"
    agent_agglo.save()
    quand = timezone.make_aware(datetime.datetime(2026, 11, 25, 14, 5))
    Message.objects.create(
        action=action, auteur=agent_agglo, texte="Pouvez-vous préciser ?", date=quand
    )
    Message.objects.create(
        action=action,
        auteur=porteur,
        texte="Oui : 40 collégiens.",
        date=quand + datetime.timedelta(hours=2),
    )

    client.force_login(porteur)
    html = client.get(reverse("programmation:action_detail", args=[action.pk])).content.decode()

    assert html.index("Pouvez-vous préciser ?") < html.index("Oui : 40 collégiens.")
    assert f"Sophie Marty ({agent_agglo.organisation.nom}), le " in html
    assert "25/11/2026 à 14:05" in html
    assert f"({porteur.organisation.nom}), le " in html
    assert 'id="message-form"' in html

    # A partner who only reads follows the thread, without the form.
    client.force_login(lecteur)
    html = client.get(reverse("programmation:action_detail", args=[action.pk])).content.decode()
    assert "Pouvez-vous préciser ?" in html
    assert 'id="message-form"' not in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [("lecteur", 403), ("outsider", 404), ("agent_autre_contrat", 404)],
)
def test_others_cannot_write(
    client, request, action, persona, status, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(persona)

    response = _post(client, user, action, "Bonjour", django_capture_on_commit_callbacks)

    assert response.status_code == status
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_an_unsolicited_instructor_cannot_write(client, contrat, action):
    region = factories.UserFactory(
        organisation=factories.OrganisationFactory(nom="Région", rna=""),
        roles=[RoleCode.INSTRUCTEUR_FINANCEUR],
        contrats=[contrat],
    )
    client.force_login(region)
    response = client.post(
        reverse("programmation:message_post", args=[action.pk]), {"texte": "Bonjour"}
    )
    assert response.status_code == 404


def test_nobody_writes_on_a_draft(client, porteur, action):
    mettre_a_l_etat(action, EtatAction.BROUILLON)
    client.force_login(porteur)

    html = client.get(reverse("programmation:action_detail", args=[action.pk])).content.decode()
    response = client.post(
        reverse("programmation:message_post", args=[action.pk]), {"texte": "Bonjour"}
    )

    assert 'id="message-form"' not in html
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services_echanges.message_post(action=action, user=porteur, texte="Bonjour")
