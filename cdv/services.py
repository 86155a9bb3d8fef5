"""Writes of the contract core: keyword-only, one transaction, notifications on commit."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cdv import perms
from cdv.forms import EMAIL_TAKEN
from cdv.models import Role, User


@transaction.atomic
def user_invite(*, inviter, email, first_name, last_name, roles, est_admin_organisation=False):
    """Create a person in the inviter's organisation, following the inviter's contracts.

    The new account has no usable password: the invitation e-mail, queued once the
    transaction commits, carries a link to choose one. `roles` are Role objects or codes,
    and must all be roles the inviter may grant.
    """
    organisation = inviter.organisation
    if not perms.can_invite_member(inviter, organisation):
        raise PermissionDenied("Vous ne pouvez pas inviter de personne dans cette organisation.")

    codes = {role.code if isinstance(role, Role) else role for role in roles}
    granted = list(perms.grantable_roles(inviter).filter(code__in=codes))
    if not codes or len(granted) != len(codes):
        raise ValidationError({"roles": "Vous ne pouvez pas confier ce rôle."})

    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": EMAIL_TAKEN})

    user = User(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        organisation=organisation,
        est_admin_organisation=est_admin_organisation,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    user.roles.set(granted)
    user.contrats.set(inviter.contrats.all())

    from cdv.tasks import send_invitation_email  # tasks import this module

    transaction.on_commit(lambda: send_invitation_email.delay(user.pk))
    return user


def invitation_resend(*, inviter, user):
    """Send the invitation again to a person of the inviter's organisation who has not yet
    chosen a password (the link of the first one expires after PASSWORD_RESET_TIMEOUT)."""
    if not perms.can_invite_member(inviter, user.organisation):
        raise PermissionDenied("Vous ne pouvez pas inviter de personne dans cette organisation.")
    if user.has_usable_password():
        raise ValidationError("Cette personne a déjà choisi son mot de passe.")
    from cdv.tasks import send_invitation_email

    transaction.on_commit(lambda: send_invitation_email.delay(user.pk))


def password_setup_url(user):
    """Absolute link to the page where `user` chooses a password (valid PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def invitation_send(*, user_id):
    """E-mail the invitation of a person who has not chosen a password yet.

    Idempotent: returns False and sends nothing when the person no longer exists, is
    inactive, or already has a password.
    """
    user = User.objects.select_related("organisation").filter(pk=user_id).first()
    if user is None or not user.is_active or user.has_usable_password():
        return False
    context = {
        "user": user,
        "organisation": user.organisation,
        "url": password_setup_url(user),
        "site_url": settings.SITE_URL,
        "validite_jours": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
    }
    subject = render_to_string("cdv/email/invitation_subject.txt", context).strip()
    body = render_to_string("cdv/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])
    return True
