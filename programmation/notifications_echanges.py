"""E-mails sent when someone writes on an action's message thread."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string

from cdv.enums import RoleCode
from cdv.models import User
from programmation.models import Message
from programmation.notifications import _action_path


def message_recipients(message):
    """The other side of the thread, never the author: when the porteur writes, the assigned
    instructor (the contract's PDV team while none is assigned); when the PDV team or an
    instructor writes, the porteur's people."""
    action = message.action
    auteur = message.auteur
    if auteur.organisation_id is not None and auteur.organisation_id == action.porteur_id:
        if action.instructeur_id and action.instructeur.is_active:
            recipients = {action.instructeur.email}
        else:
            equipe = User.objects.filter(
                is_active=True, roles__code=RoleCode.ADMIN_PDV, contrats=action.appel.contrat_id
            )
            recipients = set(equipe.values_list("email", flat=True))
    else:
        porteurs = User.objects.filter(
            is_active=True, organisation_id=action.porteur_id, roles__code=RoleCode.PORTEUR
        )
        recipients = set(porteurs.values_list("email", flat=True))
    recipients.discard(auteur.email)
    return sorted(recipients)


def message_notify(*, message_id):
    """E-mail one message to the other side; returns how many were written to."""
    message = (
        Message.objects.select_related(
            "action__appel", "action__instructeur", "auteur__organisation"
        )
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return 0
    recipients = message_recipients(message)
    if not recipients:
        return 0
    action = message.action
    context = {
        "message": message,
        "action": action,
        "auteur_nom": message.auteur.get_full_name() or message.auteur.email,
        "url": settings.SITE_URL.rstrip("/") + _action_path(action) + "#messages",
    }
    subject = render_to_string("programmation/email/message_subject.txt", context)
    subject = " ".join(subject.split())
    body = render_to_string("programmation/email/message.txt", context)
    send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients])
    return len(recipients)
