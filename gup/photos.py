"""Photos of problems: checked by their real content, re-encoded without EXIF data."""

import io
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Formats accepted, by Pillow's name, with the type and suffix they are stored under.
FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}
# Largest side kept: a phone's 12 MP photo shrinks to what a follow-up needs.
COTE_MAX = 2560
# Beyond this many pixels an image is refused before being decoded (decompression bombs).
PIXELS_MAX = 50_000_000


def taille_max():
    return settings.GUP_PHOTO_TAILLE_MAX


def preparer_photo(fichier):
    """The photo's bytes re-encoded — no EXIF (location, device), turned upright, at most
    COTE_MAX pixels wide or high — with its type and a file name, or a ValidationError in
    French when the file is too big or is not a JPEG, PNG or WebP image."""
    limite = taille_max()
    trop_lourde = f"La photo dépasse {limite // (1024 * 1024)} Mo : réduisez-la avant de l'envoyer."
    if fichier.size is not None and fichier.size > limite:
        raise ValidationError(trop_lourde)
    fichier.seek(0)
    contenu = fichier.read(limite + 1)
    if len(contenu) > limite:
        raise ValidationError(trop_lourde)
    refus = "Ce fichier n'est pas une photo (JPEG, PNG ou WebP)."
    try:
        with Image.open(io.BytesIO(contenu)) as image:
            if image.format not in FORMATS:
                raise ValidationError(refus)
            largeur, hauteur = image.size
            if largeur * hauteur > PIXELS_MAX:
                raise ValidationError(
                    "Cette image compte trop de pixels : réduisez ses dimensions avant de "
                    "l'envoyer."
                )
            image.load()
            format_ = image.format
            propre = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(refus) from None
    propre.thumbnail((COTE_MAX, COTE_MAX))
    if format_ == "JPEG" and propre.mode not in ("RGB", "L"):
        propre = propre.convert("RGB")
    sortie = io.BytesIO()
    # A new image carries no EXIF, XMP nor ICC block unless given one.
    propre.save(sortie, format=format_, **({"quality": 85} if format_ != "PNG" else {}))
    type_mime, suffixe = FORMATS[format_]
    nom = PurePath(getattr(fichier, "name", "") or "photo").stem[:40] + suffixe
    return ContentFile(sortie.getvalue(), name=nom), type_mime
