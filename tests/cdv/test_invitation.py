import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cdv import services, tasks
from cdv.enums import RoleCode
from cdv.models import Role, User
from tests import factories

INVITE = {
    "email": "Nouvelle.Recrue@Agglo.fr",
    "first_name": "Léa",
    "last_name": "Garcia",
    "roles": [],
    "est_admin_organisation": "on",
}


def role_ids(*codes):
    return [str(pk) for pk in Role.objects.filter(code__in=codes).values_list("pk", flat=True)]


def link_in(message):
    return re.search(r"https?://[^/\s]+(/mot-de-passe/nouveau/\S+/)", message.body).group(1)


def test_it_invites_a_person_who_then_sets_a_password_and_logs_in(
    client, agent_agglo, contrat, django_capture_on_commit_callbacks
):
    client.force_login(agent_agglo)
    html = client.get(reverse("organisation_invite")).content.decode()
    assert "Inviter une personne" in html
    assert "Administrateur politique de la ville" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisation_invite"), {**INVITE, "roles": role_ids(RoleCode.ADMIN_PDV)}
        )
    assert response["Location"] == reverse("organisation_detail")
    html = client.get(response["Location"]).content.decode()
    assert "Invitation envoyée à nouvelle.recrue@agglo.fr" in html
    assert "Léa Garcia" in html

    invite = User.objects.get(email="nouvelle.recrue@agglo.fr")
    assert invite.organisation == agent_agglo.organisation
    assert list(invite.contrats.all()) == [contrat]
    assert invite.role_codes == {RoleCode.ADMIN_PDV}
    assert invite.est_admin_organisation
    assert not invite.has_usable_password()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle.recrue@agglo.fr"]
    assert "Invitation" in message.subject
    assert "Bonjour Léa" in message.body
    assert "choisissez votre mot de passe" in message.body

    client.logout()
    response = client.get(link_in(message), follow=True)
    assert "Choisir un mot de passe" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Quartiers-2030!", "new_password2": "Quartiers-2030!"},
        follow=True,
    )
    assert "Mot de passe enregistré" in response.content.decode()

    response = client.post(
        reverse("login"),
        {"username": "nouvelle.recrue@agglo.fr", "password": "Quartiers-2030!"},
        follow=True,
    )
    # Signed in, on the contract's dashboard where the PDV team lands.
    assert response.redirect_chain[-1][0] == reverse("tableau_de_bord")
    assert "Léa Garcia" in response.content.decode()

    # The link served once: following it again says so.
    html = client.get(link_in(message), follow=True).content.decode()
    assert "Ce lien n'est plus valable" in html


def test_it_refuses_an_email_already_used_and_creates_nothing(
    client, agent_agglo, partenaire_etat, django_capture_on_commit_callbacks
):
    client.force_login(agent_agglo)
    before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisation_invite"),
            {
                **INVITE,
                "email": "Instructeur@Aude.gouv.fr",
                "roles": role_ids(RoleCode.ADMIN_PDV),
            },
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Une personne utilise déjà cette adresse électronique." in html
    assert 'value="Léa"' in html
    assert User.objects.count() == before
    assert mail.outbox == []


def test_it_requires_a_role_and_names_the_missing_fields(client, agent_agglo):
    client.force_login(agent_agglo)
    before = User.objects.count()
    response = client.post(reverse("organisation_invite"), {"email": "pas-une-adresse"})
    html = response.content.decode()
    assert "Choisissez au moins un rôle." in html
    assert "Saisissez une adresse e-mail valide." in html
    assert "Ce champ est obligatoire." in html
    assert "Le formulaire contient des erreurs" in html
    assert User.objects.count() == before


def test_it_offers_a_porteur_only_the_roles_it_holds(client, porteur):
    client.force_login(porteur)
    html = client.get(reverse("organisation_invite")).content.decode()
    assert "Porteur de projet" in html
    assert "Administrateur politique de la ville" not in html

    before = User.objects.count()
    response = client.post(
        reverse("organisation_invite"), {**INVITE, "roles": role_ids(RoleCode.ADMIN_PDV)}
    )
    assert response.status_code == 200
    assert "Vous ne pouvez pas confier ce rôle." in response.content.decode()
    assert User.objects.count() == before


def test_it_lets_a_porteur_invite_a_colleague(client, porteur, django_capture_on_commit_callbacks):
    client.force_login(porteur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisation_invite"),
            {**INVITE, "roles": role_ids(RoleCode.PORTEUR), "est_admin_organisation": ""},
        )
    invite = User.objects.get(email="nouvelle.recrue@agglo.fr")
    assert invite.organisation.nom == "Association Quartiers Solidaires"
    assert not invite.est_admin_organisation
    assert "Association Quartiers Solidaires" in mail.outbox[0].body


def test_it_refuses_the_invite_page_to_a_plain_member(client, outsider, partenaire_etat):
    for user in (outsider, partenaire_etat):
        client.force_login(user)
        assert client.get(reverse("organisation_invite")).status_code == 403
        assert client.post(reverse("organisation_invite"), INVITE).status_code == 403


def test_it_refuses_the_invite_page_without_organisation(client, db):
    user = factories.UserFactory(organisation=None, est_admin_organisation=True)
    client.force_login(user)
    response = client.get(reverse("organisation_invite"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


# The service and the task, for callers other than the page (API, admin, imports)


def test_the_service_refuses_a_role_the_inviter_does_not_hold(porteur):
    with pytest.raises(ValidationError) as exc:
        services.user_invite(
            inviter=porteur,
            email="x@asso.fr",
            first_name="X",
            last_name="Y",
            roles=[RoleCode.ADMIN_PDV],
        )
    assert exc.value.message_dict == {"roles": ["Vous ne pouvez pas confier ce rôle."]}
    assert not User.objects.filter(email="x@asso.fr").exists()


def test_the_service_refuses_an_inviter_who_is_not_admin(outsider):
    with pytest.raises(PermissionDenied):
        services.user_invite(
            inviter=outsider,
            email="x@asso.fr",
            first_name="X",
            last_name="Y",
            roles=[RoleCode.PORTEUR],
        )


def test_the_service_refuses_a_taken_email(porteur, outsider):
    with pytest.raises(ValidationError) as exc:
        services.user_invite(
            inviter=porteur,
            email=" TRESORIER@autre-asso.fr",
            first_name="X",
            last_name="Y",
            roles=[RoleCode.PORTEUR],
        )
    assert "Une personne utilise déjà" in exc.value.message_dict["email"][0]


def test_the_service_sends_the_email_only_once_the_transaction_commits(
    porteur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.user_invite(
            inviter=porteur,
            email="x@asso.fr",
            first_name="X",
            last_name="Y",
            roles=[Role.objects.get(code=RoleCode.PORTEUR)],
        )
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_the_task_sends_nothing_twice_once_the_password_is_set(porteur):
    invite = factories.UserFactory(organisation=porteur.organisation, password=None)
    invite.set_unusable_password()
    invite.save()
    assert tasks.send_invitation_email(invite.pk) is True
    invite.set_password("Quartiers-2030!")
    invite.save()
    assert tasks.send_invitation_email(invite.pk) is False
    assert tasks.send_invitation_email(0) is False
    assert len(mail.outbox) == 1


def test_it_shows_the_services_refusal_next_to_the_field(client, agent_agglo, monkeypatch):
    # Another administrator invited the same address between the check and the write.
    def taken(**kwargs):
        raise ValidationError({"email": "Une personne utilise déjà cette adresse électronique."})

    monkeypatch.setattr(services, "user_invite", taken)
    client.force_login(agent_agglo)
    response = client.post(
        reverse("organisation_invite"), {**INVITE, "roles": role_ids(RoleCode.ADMIN_PDV)}
    )
    assert response.status_code == 200
    assert "Une personne utilise déjà cette adresse électronique." in response.content.decode()


def test_an_administrator_sends_a_pending_invitation_again(
    client, porteur, django_capture_on_commit_callbacks
):
    pending = factories.UserFactory(organisation=porteur.organisation, roles=[RoleCode.PORTEUR])
    pending.set_unusable_password()
    pending.save()
    client.force_login(porteur)

    page = client.get(reverse("organisation_detail")).content.decode()
    assert "invitation en attente" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisation_reinvite", args=[pending.pk]), follow=True)

    assert f"Invitation renvoyée à {pending.email}." in response.content.decode()
    assert [message.to for message in mail.outbox] == [[pending.email]]
    assert link_in(mail.outbox[0]).startswith("/mot-de-passe/nouveau/")


def test_it_does_not_resend_to_an_active_member_nor_outside_the_organisation(
    client, porteur, outsider, django_capture_on_commit_callbacks
):
    actif = factories.UserFactory(organisation=porteur.organisation, roles=[RoleCode.PORTEUR])
    client.force_login(porteur)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisation_reinvite", args=[actif.pk]), follow=True)
        other = client.post(reverse("organisation_reinvite", args=[outsider.pk]))

    assert "Cette personne a déjà choisi son mot de passe." in response.content.decode()
    assert other.status_code == 404
    assert mail.outbox == []


def test_a_plain_member_cannot_resend_invitations(client, porteur, outsider):
    collegue = factories.UserFactory(organisation=outsider.organisation)
    client.force_login(outsider)

    assert client.post(reverse("organisation_reinvite", args=[collegue.pk])).status_code == 403
    assert "Renvoyer" not in client.get(reverse("organisation_detail")).content.decode()


def test_the_service_refuses_to_resend_for_another_organisation(porteur, outsider):
    outsider.set_unusable_password()
    with pytest.raises(PermissionDenied):
        services.invitation_resend(inviter=porteur, user=outsider)
