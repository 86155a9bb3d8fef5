"""The demo porteurs' documents (statutes, RIB, accounts…): small generated PDFs, given once
and reused by their applications while valid."""

from django.core.files.base import ContentFile

from programmation.models import Document, NatureDocument
from programmation.models.echanges import NATURES_OBLIGATOIRES


def pdf_minimal(titre):
    """A real one-page PDF showing `titre` (ASCII), a few hundred bytes."""
    texte = titre.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    contenu = b"BT /F1 18 Tf 72 720 Td (" + texte + b") Tj ET"
    objets = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(contenu), contenu),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    positions = []
    for numero, objet in enumerate(objets, 1):
        positions.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (numero, objet)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % position for position in positions)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objets) + 1,
        xref,
    )
    return bytes(pdf)


def load_documents(report, organisations):
    """Give each organisation a valid document of every mandatory nature it lacks."""
    from programmation.services_echanges import document_upload

    for organisation in sorted(organisations, key=lambda o: o.pk):
        for nature in NATURES_OBLIGATOIRES:
            if Document.objects.filter(organisation=organisation, nature=nature).valides().exists():
                report.count(Document, False)
                continue
            libelle = NatureDocument(nature).label
            fichier = ContentFile(pdf_minimal(f"{libelle} - {organisation.nom}"))
            fichier.name = f"{nature}.pdf"
            document_upload(organisation=organisation, user=None, nature=nature, fichier=fichier)
            report.count(Document, True)
