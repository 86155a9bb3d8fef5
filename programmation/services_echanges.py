"""Exchanges around an action: messages, the organisation's documents, the application's
attachments and the check that a deposit has its mandatory documents.

Writes are keyword-only, run in one transaction and queue their e-mails on commit.
"""

import dataclasses
import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cdv.files import type_reel
from programmation import perms, selectors
from programmation.models import Action, Document, Message, NatureDocument, PieceJointe
from programmation.models.echanges import (
    NATURES_OBLIGATOIRES,
    NATURES_OBLIGATOIRES_DEMANDE_COURTE,
    VALIDITE_MOIS,
)

# The types an attachment may have, found in its content (never its name): label, extension.
TYPES_ACCEPTES = {
    "application/pdf": ("PDF", ".pdf"),
    "image/jpeg": ("image JPEG", ".jpg"),
    "image/png": ("image PNG", ".png"),
    "application/vnd.oasis.opendocument.text": ("texte OpenDocument", ".odt"),
    "application/vnd.oasis.opendocument.spreadsheet": ("classeur OpenDocument", ".ods"),
    "application/vnd.oasis.opendocument.presentation": ("présentation OpenDocument", ".odp"),
    "application/msword": ("document Word", ".doc"),
    "application/vnd.ms-excel": ("classeur Excel", ".xls"),
    "application/vnd.ms-powerpoint": ("présentation PowerPoint", ".ppt"),
    "application/vnd.ms-office": ("document Microsoft Office", ".doc"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "document Word",
        ".docx",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "classeur Excel",
        ".xlsx",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "présentation PowerPoint",
        ".pptx",
    ),
}
# How refused types are named to the porteur.
TYPES_REFUSES = {
    "text/plain": "texte brut",
    "text/html": "page web (HTML)",
    "application/zip": "archive ZIP",
    "application/x-dosexec": "programme Windows",
    "application/octet-stream": "inconnu",
    "image/gif": "image GIF",
    "image/webp": "image WebP",
    "image/svg+xml": "image SVG",
}
ACCEPTES = "un PDF, une image JPEG ou PNG, ou un document OpenDocument ou Microsoft Office"


def fichier_check(fichier):
    """The MIME type of an uploaded attachment, read from its content; ValidationError (on
    `fichier`, in French) when it is empty, too large or of a type not accepted."""
    return type_reel(
        fichier, champ="fichier", types=TYPES_ACCEPTES, acceptes=ACCEPTES, noms=TYPES_REFUSES
    )


def validite_par_defaut(nature, date=None):
    """Until when a document of this nature stays valid when the porteur gives no date."""
    mois = VALIDITE_MOIS.get(nature)
    if mois is None:
        return None
    date = date or timezone.localdate()
    annee, mois_fin = divmod(date.month - 1 + mois, 12)
    try:
        return date.replace(year=date.year + annee, month=mois_fin + 1)
    except ValueError:  # 29 February, 31st of a short month: the month's last day
        premier = date.replace(year=date.year + annee, month=mois_fin + 1, day=1)
        return (premier + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)


@transaction.atomic
def document_upload(*, organisation, user, nature, fichier, valide_jusqu_au=None):
    """Store a document of the organisation, after checking its real type and size."""
    mime = fichier_check(fichier)
    nom_original = (getattr(fichier, "name", "") or "document").rsplit("/", 1)[-1][:255]
    # Stored under a random name with the extension of its real type (document_upload_to).
    fichier.name = "document" + TYPES_ACCEPTES[mime][1]
    document = Document(
        organisation=organisation,
        nature=nature,
        fichier=fichier,
        nom_original=nom_original,
        taille=fichier.size,
        type_mime=mime,
        valide_jusqu_au=valide_jusqu_au or validite_par_defaut(nature),
        depose_par=user,
    )
    document.full_clean()
    document.save()
    return document


def _lock(action):
    return Action.objects.select_for_update(of=("self",)).select_related("appel").get(pk=action.pk)


@transaction.atomic
def piece_attach(*, action, user, nature, fichier, valide_jusqu_au=None):
    """Attach a new document of the porteur's organisation to its application. It replaces
    the application's piece of the same nature ("autre" pieces add up) and will be reused by
    the organisation's next applications while it is valid."""
    action = _lock(action)
    if not perms.can_attach_piece(user, action):
        raise PermissionDenied("Vous ne pouvez pas joindre de pièce à cette demande.")
    document = document_upload(
        organisation=action.porteur,
        user=user,
        nature=nature,
        fichier=fichier,
        valide_jusqu_au=valide_jusqu_au,
    )
    if nature != NatureDocument.AUTRE:
        PieceJointe.objects.filter(action=action, document__nature=nature).delete()
    piece = PieceJointe(action=action, document=document)
    piece.full_clean()
    piece.save()
    return piece


@dataclasses.dataclass
class Piece:
    """What the application has for one nature of document."""

    nature: str
    libelle: str
    obligatoire: bool
    document: Document | None = None
    jointe: bool = False  # attached to this application, rather than reused
    valide: bool = False


def natures_obligatoires(action):
    """The natures a deposit requires: fewer on the short form (small requests)."""
    courte = selectors.montant_demande_total(action) < action.appel.seuil_demande_simplifiee
    return NATURES_OBLIGATOIRES_DEMANDE_COURTE if courte else NATURES_OBLIGATOIRES


def pieces_situation(action, *, reprendre=True, date=None):
    """One Piece per nature (then one per other document attached): the piece attached if
    it is still valid, else (with `reprendre`) the organisation's latest valid document of
    that nature, else the expired piece or document (to be given again), else nothing."""
    date = date or timezone.localdate()
    obligatoires = set(natures_obligatoires(action))
    jointes = {}
    autres = []
    for piece in action.pieces.select_related("document").order_by("jointe_le", "id"):
        if piece.document.nature == NatureDocument.AUTRE:
            autres.append(piece.document)
        else:
            jointes[piece.document.nature] = piece.document
    valides, expires = {}, {}
    if reprendre:
        for document in (
            Document.objects.filter(organisation_id=action.porteur_id)
            .exclude(nature=NatureDocument.AUTRE)
            .order_by("depose_le", "id")
        ):
            # The latest one wins.
            (valides if document.est_valide(date) else expires)[document.nature] = document
    situation = []
    for nature, libelle in NatureDocument.choices:
        if nature == NatureDocument.AUTRE:
            continue
        piece = Piece(nature, libelle, nature in obligatoires)
        jointe = jointes.get(nature)
        if jointe is not None and jointe.est_valide(date):
            piece.document, piece.jointe, piece.valide = jointe, True, True
        elif nature in valides:
            piece.document, piece.valide = valides[nature], True
        elif jointe is not None:
            piece.document, piece.jointe = jointe, True
        elif nature in expires:  # given once, to be given again
            piece.document = expires[nature]
        situation.append(piece)
    for document in autres:
        situation.append(
            Piece(NatureDocument.AUTRE, document.nom_original, False, document, True, True)
        )
    return situation


def _minuscule(texte):
    """ "Relevé d'identité bancaire (RIB)" → "relevé d'identité bancaire (RIB)"."""
    return texte[:1].lower() + texte[1:]


def pieces_submission_errors(action):
    """The messages that prevent depositing for want of a mandatory document (French)."""
    errors = []
    for piece in pieces_situation(action):
        if not piece.obligatoire or piece.valide:
            continue
        if piece.document is None:
            errors.append(f"Pièce obligatoire manquante : {_minuscule(piece.libelle)}.")
        else:
            errors.append(
                f"La pièce « {piece.libelle} » n'est plus valable (elle l'était jusqu'au "
                f"{piece.document.valide_jusqu_au:%d/%m/%Y}) : joignez-en une version à jour."
            )
    return errors


def pieces_reprendre(*, action):
    """At deposit: attach to the application the organisation's valid documents it reuses,
    so that the instructors read what was deposited (called within action_transition)."""
    for piece in pieces_situation(action):
        if not piece.valide or piece.jointe or piece.nature == NatureDocument.AUTRE:
            continue
        PieceJointe.objects.filter(action=action, document__nature=piece.nature).delete()
        PieceJointe.objects.create(action=action, document=piece.document)


# Messages ----------------------------------------------------------------------------------


@transaction.atomic
def message_post(*, action, user, texte):
    """Post a message on the action's thread; the other side hears of it by e-mail once the
    transaction commits."""
    if not perms.can_post_message(user, action):
        raise PermissionDenied("Vous ne pouvez pas écrire sur cette action.")
    message = Message(action=action, auteur=user, texte=(texte or "").strip())
    message.full_clean()
    message.save()
    from programmation.tasks import notify_message

    # Robust: once the message is saved, a broker outage must not turn it into an error page.
    transaction.on_commit(lambda: notify_message.delay(message.pk), robust=True)
    return message
