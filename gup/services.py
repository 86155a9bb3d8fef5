"""Writes on signalements: keyword-only, one transaction, each step in the history.

The workflow's table is gup.enums.TRANSITIONS; who may take a step is gup.perms.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gup import perms
from gup.enums import ETATS_CLOS, TRANSITIONS, EtatSignalement, Priorite
from gup.models import EvenementSignalement, PhotoSignalement, Signalement
from gup.photos import preparer_photo
from gup.tasks import notify_evenement

E = EtatSignalement


def _lock(signalement):
    return (
        Signalement.objects.select_for_update(of=("self",))
        .select_related("quartier", "categorie")
        .get(pk=signalement.pk)
    )


def _evenement(signalement, *, code, auteur, etat_avant="", commentaire="", public=True):
    return EvenementSignalement.objects.create(
        signalement=signalement,
        code=code,
        etat_avant=etat_avant,
        etat_apres=signalement.etat,
        organisation=signalement.organisation_responsable,
        auteur=auteur if auteur is not None and auteur.is_authenticated else None,
        commentaire=commentaire,
        public=public,
    )


def photo_add(*, signalement, fichier, auteur=None, evenement=None):
    """Attach a photo, re-encoded without EXIF (gup.photos): ValidationError {"photo": …}."""
    try:
        contenu, type_mime = preparer_photo(fichier)
    except ValidationError as exc:
        raise ValidationError({"photo": exc.messages}) from None
    return PhotoSignalement.objects.create(
        signalement=signalement,
        evenement=evenement,
        fichier=contenu,
        type_mime=type_mime,
        taille=contenu.size,
        auteur=auteur if auteur is not None and auteur.is_authenticated else None,
    )


def signalement_create(
    *,
    quartier,
    categorie,
    description,
    source,
    auteur=None,
    adresse="",
    latitude=None,
    longitude=None,
    diagnostic=None,
    organisation_responsable=None,
    priorite=Priorite.NORMALE,
    echeance=None,
    signale_le=None,
    email_signalant="",
    client_uuid=None,
    photos=(),
):
    """Record a problem in state "nouveau", routed by default to its category's body, due
    by default after the category's target time, with its photos. Returns (signalement,
    created): an entry sent again with the same `client_uuid` (a phone that lost its
    connection) is found again, not duplicated. Raises ValidationError per field."""
    if client_uuid is not None:
        existant = Signalement.objects.filter(client_uuid=client_uuid).first()
        if existant is not None:
            return existant, False
    signalement = Signalement(
        quartier=quartier,
        categorie=categorie,
        description=description,
        source=source,
        auteur=auteur if auteur is not None and auteur.is_authenticated else None,
        adresse=adresse or "",
        latitude=latitude,
        longitude=longitude,
        diagnostic=diagnostic,
        organisation_responsable=organisation_responsable or categorie.organisation_responsable,
        priorite=priorite,
        email_signalant=email_signalant or "",
        client_uuid=client_uuid,
    )
    if signale_le is not None:
        signalement.signale_le = signale_le
    signalement.echeance = echeance or signalement.echeance_par_defaut()
    signalement.full_clean(exclude=["client_uuid"])
    try:
        with transaction.atomic():
            signalement.save()
            _evenement(signalement, code="creation", auteur=auteur)
            for photo in photos:
                photo_add(signalement=signalement, fichier=photo, auteur=auteur)
    except IntegrityError:
        # The same entry arrived twice at once: the first one is kept.
        existant = Signalement.objects.filter(client_uuid=client_uuid).first()
        if client_uuid is None or existant is None:
            raise
        return existant, False
    return signalement, True


def _check_transition(signalement, code, *, commentaire, organisation, original):
    transition = TRANSITIONS[code]
    if transition.commentaire_requis and not commentaire.strip():
        raise ValidationError({"commentaire": "Expliquez cette étape en quelques mots."})
    if code in ("transmettre", "reattribuer"):
        cible = organisation or signalement.organisation_responsable
        if cible is None:
            raise ValidationError(
                {"organisation": "Choisissez l'organisation à qui transmettre le signalement."}
            )
        if code == "reattribuer" and cible.pk == signalement.organisation_responsable_id:
            raise ValidationError(
                {"organisation": "Choisissez une autre organisation que celle qui l'a refusé."}
            )
    if code == "marquer_doublon":
        if original is None:
            raise ValidationError({"original": "Indiquez le signalement d'origine."})
        if original.pk == signalement.pk:
            raise ValidationError({"original": "Un signalement ne peut doubler lui-même."})
        if original.quartier.contrat_id != signalement.quartier.contrat_id:
            raise ValidationError(
                {"original": "Le signalement d'origine relève d'un autre contrat."}
            )
        if original.etat == E.DOUBLON:
            raise ValidationError({"original": "Ce signalement est lui-même un doublon."})


def signalement_transition(
    *, signalement, user, code, commentaire="", organisation=None, original=None, version=None
):
    """Take one step of the workflow on a locked row: checks the role and the state (again,
    under the lock), the comment, the target body or the original; dates the report
    (transmis_le, resolu_le, clos_le); records the step, and once committed tells the body
    it goes to, or the resident that it is solved (gup.notifications.evenement_notify).
    `version`, when given, must be the one the user saw (ValidationError otherwise: someone
    else changed it meanwhile)."""
    if code not in TRANSITIONS:
        raise ValidationError({"code": "Étape inconnue."})
    with transaction.atomic():
        current = _lock(signalement)
        if version is not None and int(version) != current.version:
            raise ValidationError(
                {"version": "Ce signalement a été modifié entre-temps : rechargez la page."}
            )
        if not perms.can_transition(user, current, code):
            raise PermissionDenied("Cette étape n'est pas possible pour vous dans cet état.")
        _check_transition(
            current, code, commentaire=commentaire, organisation=organisation, original=original
        )
        transition = TRANSITIONS[code]
        avant = current.etat
        now = timezone.now()
        current.etat = transition.target
        if code in ("transmettre", "reattribuer") and organisation is not None:
            current.organisation_responsable = organisation
        if transition.target == E.TRANSMIS and current.transmis_le is None:
            current.transmis_le = now
        if code == "marquer_doublon":
            current.original = original
        if transition.target == E.RESOLU:
            current.resolu_le = now
        if transition.target in ETATS_CLOS:
            current.clos_le = now
        if code == "rouvrir":
            current.resolu_le = current.clos_le = None
            current.resolution_confirmee = None
        current.version += 1
        current.save()
        evenement = _evenement(
            current, code=code, auteur=user, etat_avant=avant, commentaire=commentaire
        )
        # Robust: once the step is committed, a broker outage must not make it an error.
        transaction.on_commit(lambda: notify_evenement.delay(evenement.pk), robust=True)
    signalement.refresh_from_db()
    return signalement


def signalement_comment(*, signalement, user, commentaire, photo=None, public=True):
    """A comment of the coordination or of the responsible body, with an optional photo."""
    if not perms.can_comment(user, signalement):
        raise PermissionDenied("Vous ne pouvez pas commenter ce signalement.")
    if not commentaire.strip() and photo is None:
        raise ValidationError({"commentaire": "Écrivez un commentaire ou joignez une photo."})
    with transaction.atomic():
        current = _lock(signalement)
        evenement = _evenement(
            current, code="commentaire", auteur=user, etat_avant=current.etat,
            commentaire=commentaire, public=public,
        )  # fmt: skip
        if photo is not None:
            photo_add(signalement=current, fichier=photo, auteur=user, evenement=evenement)
        current.version += 1
        current.save(update_fields=["version"])
    return evenement
