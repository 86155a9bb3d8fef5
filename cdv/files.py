"""Downloads of stored files. Callers scope the record first; this only streams its file."""

import posixpath

from django.http import FileResponse, Http404


def attachment_response(field_file):
    """The file as an attachment; 404 when the record has none or storage lost it."""
    if not field_file:
        raise Http404("Aucun fichier n'est joint.")
    try:
        stream = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("Le fichier est introuvable.") from None
    return FileResponse(stream, as_attachment=True, filename=posixpath.basename(field_file.name))
