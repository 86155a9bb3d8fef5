"""Hostile workbooks posted to the two Excel imports (the programmation of earlier years,
the indicator values): a "decompression bomb" or a file disguised as .xlsx is refused with a
French message on the page, and nothing is imported.

Each page gets a valid workbook of one row (one action; one indicator value) that imports
when posted as is; the bombs are that very workbook with one more member of zeros, so that
only the guard can stop them.
"""

import html
import io
import zipfile
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from programmation.models import Action
from quartiers.models import ValeurIndicateur
from tests.gup.factories import image_bytes
from tests.programmation.factories import QuartierFactory
from tests.programmation.test_import import fichier_rows, references, xlsx
from tests.quartiers.factories import IndicateurFactory

pytestmark = pytest.mark.django_db

MO = 1024 * 1024
TROP_GROS = "Ce fichier Excel se décompresse en plus de 1 Mo"
TROP_COMPRESSE = "Ce fichier Excel est anormalement compressé"
PAS_UN_CLASSEUR = "Ce fichier n'est pas un classeur Excel (.xlsx)"
ENDOMMAGE = "Ce fichier Excel est endommagé : il ne peut pas être lu."
ARCHIVE = "Ce fichier est une archive ZIP, pas un classeur Excel (.xlsx)"


@dataclass
class PageImport:
    url: str
    data: dict
    classeur: bytes  # a valid workbook of one row
    modele: type


def _programmation(contrat):
    rows = fichier_rows(references(contrat))[:1]
    return PageImport(
        reverse("programmation:import"), {"contrat": contrat.pk}, xlsx(rows).read(), Action
    )


def _indicateurs(contrat):
    QuartierFactory(contrat=contrat, nom="La Conte", code="QP011002")
    IndicateurFactory()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Valeurs"
    sheet.append(["Type de territoire", "Code du territoire", "Indicateur", "Millésime", "Valeur"])
    sheet.append(["", "QP011002", "taux_pauvrete", 2019, 61])
    buffer = io.BytesIO()
    workbook.save(buffer)
    url = reverse("quartiers:import_indicateurs")
    return PageImport(url, {}, buffer.getvalue(), ValeurIndicateur)


@pytest.fixture(params=[_programmation, _indicateurs], ids=["programmation", "indicateurs"])
def page_import(request, contrat, agent_agglo, client):
    client.force_login(agent_agglo)
    return request.param(contrat)


def with_zeros(classeur, taille):
    """`classeur` with one more member: `taille` zero bytes, deflated to a few kilobytes."""
    buffer = io.BytesIO(classeur)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", bytes(taille))
    return buffer.getvalue()


def post(client, page_import, contenu, nom="import.xlsx"):
    fichier = SimpleUploadedFile(nom, contenu)
    response = client.post(page_import.url, {**page_import.data, "fichier": fichier})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@override_settings(IMPORT_XLSX_MAX_DECOMPRESSE=MO)
def test_a_workbook_expanding_beyond_the_limit_is_refused(client, page_import):
    bombe = with_zeros(page_import.classeur, 2 * MO)
    assert len(bombe) < 30_000  # 2 MB once inflated

    page = post(client, page_import, bombe)

    # Next to the file field: the form refuses the upload before any reading.
    erreur = f"{TROP_GROS} : il n'est pas lu, pour protéger le serveur."
    assert 'id="id_fichier_error"' in page and erreur in page
    assert not page_import.modele.objects.exists()


def test_a_member_compressed_more_than_a_hundred_times_is_refused(client, page_import):
    # 2 MB of zeros is far below the 50 MB limit, but deflates about a thousand times.
    page = post(client, page_import, with_zeros(page_import.classeur, 2 * MO))

    assert TROP_COMPRESSE in page
    assert not page_import.modele.objects.exists()


@override_settings(IMPORT_XLSX_MAX_DECOMPRESSE=MO)
def test_an_ordinary_workbook_under_the_limit_imports(client, page_import):
    page = post(client, page_import, page_import.classeur)

    assert "Import réussi" in page
    assert page_import.modele.objects.count() == 1


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        (image_bytes("PNG"), PAS_UN_CLASSEUR),
        ("Année;Intitulé\n2024;Soutien scolaire\n".encode(), PAS_UN_CLASSEUR),
        (b"PK\x03\x04 une archive tronquee", PAS_UN_CLASSEUR),
    ],
    ids=["png", "texte", "zip-tronque"],
)
def test_a_file_disguised_as_a_workbook_is_refused(client, page_import, contenu, message):
    page = post(client, page_import, contenu)

    assert message in page
    assert not page_import.modele.objects.exists()


def test_a_zip_that_is_no_workbook_is_refused(client, page_import):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lisez-moi.txt", "Pas un classeur.")

    page = post(client, page_import, buffer.getvalue())

    assert ARCHIVE in page
    assert not page_import.modele.objects.exists()
