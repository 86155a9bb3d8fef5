"""Uploaded and stored files: their real type and size checked on upload, their download.
Callers scope the record first; this only checks or streams its file."""

import posixpath

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

MO = 1024 * 1024


def taille_mo(octets):
    """10485760 → "10 Mo", 12989235 → "12,4 Mo"."""
    text = f"{octets / MO:.1f}".removesuffix(".0").replace(".", ",")
    return f"{text}\u00a0Mo"


def type_reel(fichier, *, champ, types, acceptes, noms=None):
    """The MIME type of an uploaded file read from its whole content (never its name);
    ValidationError on `champ`, in French, when it is empty, larger than
    PIECE_JOINTE_TAILLE_MAX, or of a type outside `types` (`acceptes` says which, in words;
    `noms` gives French names of common refused types)."""
    taille_max = settings.PIECE_JOINTE_TAILLE_MAX
    if not fichier or not fichier.size:
        raise ValidationError({champ: "Le fichier est vide."})
    if fichier.size > taille_max:
        raise ValidationError(
            {
                champ: f"Le fichier pèse {taille_mo(fichier.size)} : la taille maximale est de "
                f"{taille_mo(taille_max)}."
            }
        )
    fichier.seek(0)
    # The whole file: Office documents are told from a plain ZIP by entries past the start.
    mime = magic.from_buffer(fichier.read(), mime=True)
    fichier.seek(0)
    if mime not in types:
        nom = (noms or {}).get(mime, mime)
        raise ValidationError(
            {
                champ: f"Ce fichier n'est pas accepté : son contenu est de type « {nom} » "
                f"({mime}), quelle que soit son extension. Joignez {acceptes}."
            }
        )
    return mime


def attachment_response(field_file):
    """The file as an attachment; 404 when the record has none or storage lost it."""
    if not field_file:
        raise Http404("Aucun fichier n'est joint.")
    try:
        stream = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("Le fichier est introuvable.") from None
    return FileResponse(stream, as_attachment=True, filename=posixpath.basename(field_file.name))
