"""E-mails of the GUP's follow-up: the weekly digest to the responsible bodies."""

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection, send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cdv.enums import RoleCode
from cdv.models import Organisation, User
from gup import selectors

# A week's digest is remembered a little longer than the week it covers.
DUREE_MEMOIRE = 60 * 60 * 24 * 10


def cle_digest(organisation_id, today):
    """The cache key recording that an organisation's digest of `today`'s ISO week left."""
    annee, semaine, _ = today.isocalendar()
    return f"gup:digest:{organisation_id}:{annee}-W{semaine:02d}"


def signalement_url(signalement):
    """The absolute address of a problem's page (gup:signalement_detail)."""
    chemin = reverse("gup:signalement_detail", args=[signalement.pk])
    return settings.SITE_URL.rstrip("/") + chemin


def digest_recipients(organisation_ids):
    """{organisation id: sorted e-mails} of the active intervenants GUP of these bodies."""
    recipients = {}
    for organisation_id, email in (
        User.objects.filter(
            organisation_id__in=organisation_ids,
            is_active=True,
            roles__code=RoleCode.INTERVENANT_GUP,
        )
        .values_list("organisation_id", "email")
        .distinct()
    ):
        recipients.setdefault(organisation_id, set()).add(email)
    return {key: sorted(emails) for key, emails in recipients.items()}


def _message(*, organisation, digest, today, recipients, connection):
    annee, semaine, _ = today.isocalendar()
    lignes = lambda items: [  # noqa: E731
        {"ligne": ligne, "url": signalement_url(ligne.signalement)} for ligne in items
    ]
    context = {
        "organisation": organisation,
        "digest": digest,
        "en_retard": lignes(digest.en_retard),
        "autres": lignes(digest.autres),
        "today": today,
        "semaine": semaine,
        "annee": annee,
    }
    subject = (
        f"GUP — semaine {semaine} de {annee} : {digest.nb_ouverts} signalement"
        f"{'s' if digest.nb_ouverts > 1 else ''} ouvert{'s' if digest.nb_ouverts > 1 else ''}"
        + (f", dont {len(digest.en_retard)} en retard" if digest.en_retard else "")
    )
    body = render_to_string("gup/email/digest.txt", context)
    message = EmailMultiAlternatives(
        subject, body, settings.DEFAULT_FROM_EMAIL, recipients, connection=connection
    )
    message.attach_alternative(render_to_string("gup/email/digest.html", context), "text/html")
    return message


def envoyer_digests(*, today=None):
    """Send each responsible body that has open problems one e-mail, to its intervenants
    GUP, listing its overdue problems first, then its other open ones.

    Idempotent for an ISO week: a cache key `gup:digest:<org>:<year>-W<week>` is added
    (atomically) before sending, and removed if the sending fails so that a retry sends
    it; a second run in the same week sends nothing. Returns how many e-mails left.
    """
    today = today or timezone.localdate()
    digests = selectors.digests(today=today)
    if not digests:
        return 0
    organisations = Organisation.objects.in_bulk(list(digests))
    recipients = digest_recipients(list(digests))
    sent = 0
    connection = get_connection()
    for organisation_id, digest in sorted(digests.items()):
        emails = recipients.get(organisation_id)
        if not emails:
            continue
        key = cle_digest(organisation_id, today)
        if not cache.add(key, timezone.now().isoformat(), DUREE_MEMOIRE):
            continue  # already sent this week
        message = _message(
            organisation=organisations[organisation_id],
            digest=digest,
            today=today,
            recipients=emails,
            connection=connection,
        )
        try:
            message.send()
        except Exception:
            cache.delete(key)
            raise
        sent += 1
    return sent


# Steps after which someone outside the coordination is told by e-mail.
CODES_TRANSMISSION = {"transmettre", "reattribuer", "rouvrir"}
CODE_RESOLUTION = "resoudre"


def evenement_notify(*, evenement_id):
    """After a step: the intervenants GUP of the body a problem was just transmitted to get
    it with its link; the resident who left an e-mail is told it is solved and asked, on
    their tracking page, whether it really is. Returns the number of e-mails sent."""
    from gup.models import EvenementSignalement
    from gup.services_public import lien_suivi

    evenement = EvenementSignalement.objects.select_related(  # unscoped: after-commit e-mail
        "signalement__categorie", "signalement__quartier", "organisation"
    ).get(pk=evenement_id)
    signalement = evenement.signalement
    quoi = f"« {signalement.categorie.libelle} » ({signalement.quartier.nom})"
    if evenement.code in CODES_TRANSMISSION and evenement.organisation_id:
        destinataires = digest_recipients([evenement.organisation_id]).get(
            evenement.organisation_id, []
        )
        if not destinataires:
            return 0
        corps = (
            f"Bonjour,\n\nLe signalement n° {signalement.pk} {quoi} est transmis à "
            f"{evenement.organisation.nom}.\n\n{signalement.description}\n\n"
            f"Adresse : {signalement.adresse or '—'}\n"
            f"Échéance : {signalement.echeance:%d/%m/%Y}\n\n"
            f"Pour le prendre en charge : {signalement_url(signalement)}\n"
        )
        if evenement.commentaire:
            corps += f"\nCommentaire de la coordination : {evenement.commentaire}\n"
        sujet = f"GUP — signalement n° {signalement.pk} transmis : {signalement.categorie.libelle}"
        send_mail(sujet, corps, None, destinataires)
        return len(destinataires)
    if evenement.code == CODE_RESOLUTION and signalement.email_signalant:
        corps = (
            f"Bonjour,\n\nVotre signalement {quoi} est déclaré résolu.\n\n"
            "Est-ce vraiment réglé ? Dites-le sur votre page de suivi :\n"
            f"{lien_suivi(signalement)}\n"
        )
        send_mail("Votre signalement est résolu", corps, None, [signalement.email_signalant])
        return 1
    return 0
