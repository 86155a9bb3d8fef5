"""What an uploaded .xlsx must be before openpyxl opens it: a real workbook (a zip holding
`[Content_Types].xml` and `xl/workbook.xml`), not a "decompression bomb".

A 5 MB upload may expand to gigabytes of XML. Python's zipfile never inflates a member
beyond the size its directory declares, so the declared sizes bound what openpyxl reads:
their sum is capped by `IMPORT_XLSX_MAX_DECOMPRESSE` (bytes, 50 MB by default), and a
member inflating more than RATIO_MAX times is refused whatever the total.
"""

import io
import zipfile

from django import forms
from django.conf import settings

MAX_DECOMPRESSE = 50 * 1024 * 1024
RATIO_MAX = 100
# Below this size a member's ratio says nothing (a few repeated tags compress a lot).
RATIO_TAILLE_MIN = 1024 * 1024
PARTIES = ("[Content_Types].xml", "xl/workbook.xml")


class XlsxRefuse(Exception):
    """An uploaded .xlsx the import must not open; the message says why, in French."""


class PasUnClasseur(XlsxRefuse):
    """The file is not an Excel workbook, whatever its name."""


class ClasseurTropLourd(XlsxRefuse):
    """The workbook would take too much memory to read."""


def _mo(octets):
    return f"{octets / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",")


def xlsx_check(content):
    """Raise PasUnClasseur or ClasseurTropLourd unless `content` (bytes) is a workbook
    openpyxl may open safely. Reads only the zip's directory, inflates nothing."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise PasUnClasseur(
            "Ce fichier n'est pas un classeur Excel (.xlsx) : enregistrez-le depuis Excel ou "
            "LibreOffice au format « Classeur Excel (.xlsx) »."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            membres = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PasUnClasseur("Ce fichier Excel est endommagé : il ne peut pas être lu.") from exc
    noms = {membre.filename for membre in membres}
    if not all(partie in noms for partie in PARTIES):
        raise PasUnClasseur(
            "Ce fichier est une archive ZIP, pas un classeur Excel (.xlsx) : enregistrez-le "
            "depuis Excel ou LibreOffice au format « Classeur Excel (.xlsx) »."
        )
    limite = getattr(settings, "IMPORT_XLSX_MAX_DECOMPRESSE", MAX_DECOMPRESSE)
    if sum(membre.file_size for membre in membres) > limite:
        raise ClasseurTropLourd(
            f"Ce fichier Excel se décompresse en plus de {_mo(limite)} Mo : il n'est pas lu, "
            "pour protéger le serveur. Découpez-le en plusieurs fichiers (par exemple par "
            "année) ou importez-le en CSV."
        )
    for membre in membres:
        if membre.file_size >= RATIO_TAILLE_MIN and (
            membre.file_size > RATIO_MAX * max(membre.compress_size, 1)
        ):
            raise ClasseurTropLourd(
                f"Ce fichier Excel est anormalement compressé (une de ses parties occupe plus "
                f"de {RATIO_MAX} fois sa taille une fois décompressée) : il n'est pas lu, pour "
                "protéger le serveur. Enregistrez-le de nouveau depuis Excel ou LibreOffice."
            )


def xlsx_valider(fichier):
    """For an import form's clean_<field>(): an uploaded .xlsx refused by xlsx_check raises
    the form's ValidationError with its French reason (shown next to the field); other files
    pass untouched. The file is left at its start."""
    if not fichier.name.lower().endswith(".xlsx"):
        return
    try:
        xlsx_check(fichier.read())
    except XlsxRefuse as erreur:
        raise forms.ValidationError(str(erreur)) from None
    finally:
        fichier.seek(0)
