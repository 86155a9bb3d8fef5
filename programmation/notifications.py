"""E-mails sent when an action moves along the workflow."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from cdv.enums import RoleCode
from cdv.models import User
from programmation.enums import EtatAction
from programmation.models import TransitionAction


def transition_recipients(step):
    """The porteur's people, the assigned instructor (the contract's PDV team while none is
    assigned) and, when opinions are sought, the solicited funders' instructors; never the
    author of the step."""
    action = step.action
    contrat_id = action.appel.contrat_id
    porteurs = User.objects.filter(organisation_id=action.porteur_id, roles__code=RoleCode.PORTEUR)
    recipients = set(porteurs.filter(is_active=True).values_list("email", flat=True))
    if action.instructeur_id:
        if action.instructeur.is_active:
            recipients.add(action.instructeur.email)
    elif not (step.etat_avant == EtatAction.BROUILLON and step.etat_apres != EtatAction.DEPOSEE):
        # A new application must reach someone who will take it into instruction (staff
        # never saw a draft: abandoning one concerns the porteur alone).
        equipe = User.objects.filter(
            is_active=True, roles__code=RoleCode.ADMIN_PDV, contrats=contrat_id
        )
        recipients.update(equipe.values_list("email", flat=True))
    if step.etat_apres == EtatAction.AVIS_FINANCEURS:
        financeurs = User.objects.filter(
            is_active=True,
            roles__code=RoleCode.INSTRUCTEUR_FINANCEUR,
            organisation__in=action.financements.values("financeur"),
            contrats=contrat_id,
        )
        recipients.update(financeurs.values_list("email", flat=True))
    recipients.discard(step.auteur.email)
    return sorted(recipients)


def _action_path(action):
    try:
        return reverse("programmation:action_detail", args=[action.pk])
    except NoReverseMatch:  # the action's page is not routed: the home page will do
        return reverse("home")


def transition_notify(*, transition_id):
    """E-mail the people concerned by one step; returns how many were written to."""
    step = (
        TransitionAction.objects.select_related("action__appel", "action__instructeur", "auteur")
        .filter(pk=transition_id)
        .first()
    )
    if step is None:
        return 0
    recipients = transition_recipients(step)
    if not recipients:
        return 0
    context = {
        "step": step,
        "action": step.action,
        "url": settings.SITE_URL.rstrip("/") + _action_path(step.action),
    }
    subject = render_to_string("programmation/email/transition_subject.txt", context)
    # A header holds one line: a title typed with a line break must not break the mail.
    subject = " ".join(subject.split())
    body = render_to_string("programmation/email/transition.txt", context)
    send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients])
    return len(recipients)


def bilan_relance_recipients(action):
    """The porteur's active people, who file the bilan."""
    porteurs = User.objects.filter(
        organisation_id=action.porteur_id, roles__code=RoleCode.PORTEUR, is_active=True
    )
    return sorted(set(porteurs.values_list("email", flat=True)))


def bilan_relance_send(*, relance, recipients):
    """E-mail one reminder that a bilan is expected (or overdue)."""
    action = relance.action
    context = {
        "action": action,
        "echeance": relance.echeance,
        "jours": (relance.echeance - relance.date).days,
        "retard": (relance.date - relance.echeance).days,
        "url": settings.SITE_URL.rstrip("/") + _action_path(action),
    }
    subject = render_to_string("programmation/email/bilan_relance_subject.txt", context)
    subject = " ".join(subject.split())
    body = render_to_string("programmation/email/bilan_relance.txt", context)
    send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients])
