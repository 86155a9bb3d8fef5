"""Writes of the residents' side of the GUP: a report without an account, the resident's
answer once it is solved, and the requests of partner systems through Open311.

Everything goes through gup.services.signalement_create: the report starts "nouveau" and
waits for the coordination's moderation before any body sees it.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from gup import services
from gup.enums import EtatSignalement, SourceSignalement
from gup.models import EvenementSignalement, Signalement

logger = logging.getLogger(__name__)

# The history line a resident writes by saying the problem is not solved.
CODE_RESOLUTION_CONTESTEE = "resolution_contestee"


def lien_suivi(signalement):
    """The absolute address of a report's tracking page."""
    chemin = reverse("gup:public_suivi", args=[signalement.jeton_suivi])
    return settings.SITE_URL.rstrip("/") + chemin


def _envoyer_lien(signalement_id):
    signalement = Signalement.objects.select_related("categorie", "quartier").get(  # unscoped: mail
        pk=signalement_id
    )
    corps = (
        "Bonjour,\n\n"
        f"Votre signalement « {signalement.categorie.libelle} » dans le quartier "
        f"{signalement.quartier.nom} est bien enregistré.\n\n"
        "La coordination de la gestion urbaine de proximité le vérifie puis le transmet à "
        "l'organisme chargé d'intervenir. Suivez son avancement à cette adresse :\n"
        f"{lien_suivi(signalement)}\n\n"
        "Gardez ce lien : il est personnel, il n'y a pas de compte à créer.\n"
    )
    try:
        send_mail("Votre signalement est enregistré", corps, None, [signalement.email_signalant])
    except Exception:  # noqa: BLE001 — the page already showed the link: log, do not fail
        logger.exception("Tracking link e-mail of report %s not sent", signalement_id)


def signalement_signaler(
    *, quartier, categorie, description, adresse="", latitude=None, longitude=None,
    email="", photo=None,
):  # fmt: skip
    """A resident's report (source "habitant", no author), in state "nouveau", with its photo
    checked and re-encoded by gup.services.photo_add. When an e-mail is given, the tracking
    link is sent to it once the report is saved. Raises ValidationError per field."""
    with transaction.atomic():
        signalement, _ = services.signalement_create(
            quartier=quartier,
            categorie=categorie,
            description=description,
            source=SourceSignalement.HABITANT,
            adresse=adresse,
            latitude=latitude,
            longitude=longitude,
            email_signalant=email,
            photos=[photo] if photo is not None else (),
        )
        if email:
            transaction.on_commit(lambda: _envoyer_lien(signalement.pk), robust=True)
    return signalement


def resolution_confirm(*, signalement, confirmee):
    """The resident says whether the solved problem really is. "Non" writes a history line
    the coordination reads; it does not reopen the report: the coordination decides.
    Answered once; only a solved report asks."""
    with transaction.atomic():
        current = Signalement.objects.select_for_update().get(pk=signalement.pk)  # unscoped: token
        if current.etat != EtatSignalement.RESOLU:
            raise ValidationError("Ce signalement n'est pas déclaré résolu.")
        if current.resolution_confirmee is not None:
            raise ValidationError("Vous avez déjà répondu à cette question.")
        current.resolution_confirmee = bool(confirmee)
        current.version += 1
        current.save(update_fields=["resolution_confirmee", "version"])
        if not confirmee:
            EvenementSignalement.objects.create(
                signalement=current,
                code=CODE_RESOLUTION_CONTESTEE,
                etat_avant=current.etat,
                etat_apres=current.etat,
                organisation=current.organisation_responsable,
                commentaire="Le signalant indique que le problème n'est pas réglé.",
                public=True,
            )
    signalement.refresh_from_db()
    return signalement


def note_interne(signalement, commentaire):
    """A line of history only the partners read (never on the tracking page nor Open311)."""
    return EvenementSignalement.objects.create(
        signalement=signalement,
        code="commentaire",
        etat_avant=signalement.etat,
        etat_apres=signalement.etat,
        organisation=signalement.organisation_responsable,
        commentaire=commentaire,
        public=False,
    )


def demande_open311_create(
    *, quartier, categorie, description, auteur, adresse="", latitude=None, longitude=None,
    email="", notes=(),
):  # fmt: skip
    """A request POSTed by a partner system through Open311 (source "api", the token's
    owner as author), waiting for moderation like a resident's report; `notes` become
    internal history lines (a default quartier to check, a media URL)."""
    with transaction.atomic():
        signalement, _ = services.signalement_create(
            quartier=quartier,
            categorie=categorie,
            description=description,
            source=SourceSignalement.API,
            auteur=auteur,
            adresse=adresse,
            latitude=latitude,
            longitude=longitude,
            email_signalant=email,
        )
        for note in notes:
            note_interne(signalement, note)
    return signalement
