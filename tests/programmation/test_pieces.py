"""The application's attachments: real files checked by their content, the organisation's
documents reused while valid, the deposit's mandatory pieces, and downloads scoped per persona."""

import datetime
import re
import struct
import zlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cdv.demo.documents import pdf_minimal
from cdv.enums import RoleCode
from programmation import services, services_echanges
from programmation.enums import EtatAction
from programmation.models import Document, NatureDocument, PieceJointe
from tests import factories
from tests.programmation.factories import (
    ActionCompleteFactory,
    DocumentFactory,
    documents_valides,
    mettre_a_l_etat,
    solliciter,
)

TODAY = timezone.localdate()
PDF = pdf_minimal("Statuts de l'association Quartiers Solidaires")


def png():
    """A real 1×1 PNG image."""

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def action(contrat, porteur, partenaire_etat):
    """A complete application asking 9 000 € (the full form), without any document yet."""
    action = ActionCompleteFactory(
        appel__contrat=contrat, porteur=porteur.organisation, documents=False
    )
    solliciter(action, partenaire_etat.organisation, "3000")
    return action


def _joindre(client, user, action, nature, name, content, **data):
    client.force_login(user)
    return client.post(
        reverse("programmation:piece_add", args=[action.pk]),
        {"nature": nature, "fichier": SimpleUploadedFile(name, content), **data},
    )


def _download(client, user, document):
    client.force_login(user)
    return client.get(reverse("programmation:piece_download", args=[document.pk]))


# Uploads: the real type, the size


def test_it_attaches_a_real_pdf_and_a_png_under_an_unguessable_name(client, porteur, action):
    response = _joindre(client, porteur, action, "statuts", "Statuts 2024.pdf", PDF)

    assert response.status_code == 302
    assert response["Location"] == reverse("programmation:action_edit", args=[action.pk]) + (
        "#pieces"
    )
    statuts = Document.objects.get()
    assert (statuts.organisation, statuts.nature, statuts.type_mime) == (
        porteur.organisation,
        NatureDocument.STATUTS,
        "application/pdf",
    )
    assert (statuts.nom_original, statuts.taille, statuts.depose_par) == (
        "Statuts 2024.pdf",
        len(PDF),
        porteur,
    )
    assert statuts.valide_jusqu_au is None  # statutes stay valid until replaced
    # Stored under a random name: neither the organisation nor the file's name shows.
    assert re.fullmatch(r"documents/[\w-]{32}\.pdf", statuts.fichier.name)
    assert statuts.fichier.read() == PDF
    assert PieceJointe.objects.get().action == action

    _joindre(client, porteur, action, "rib", "rib.png", png())
    rib = Document.objects.get(nature=NatureDocument.RIB)
    assert rib.type_mime == "image/png"
    assert rib.fichier.name.endswith(".png")

    html = client.get(reverse("programmation:action_edit", args=[action.pk])).content.decode()
    assert f"Fourni le {TODAY:%d/%m/%Y}, sans limite de validité" in html
    assert "Statuts 2024.pdf" in html


def test_it_refuses_a_text_file_renamed_pdf_naming_its_real_type(client, porteur, action):
    response = _joindre(
        client, porteur, action, "statuts", "statuts.pdf", b"Ceci n'est pas un PDF.\n" * 20
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce fichier n&#x27;est pas accepté : son contenu est de type « texte brut » " in html
    assert "(text/plain), quelle que soit son extension." in html
    # Next to its field, which names it.
    assert 'id="id_fichier_error"' in html
    assert 'aria-describedby="id_fichier_helptext id_fichier_error"' in html
    assert not Document.objects.exists()
    assert not PieceJointe.objects.exists()


def test_it_refuses_a_file_above_the_configured_size(client, porteur, action, settings):
    settings.PIECE_JOINTE_TAILLE_MAX = 1024 * 1024
    gros = PDF + b"%" + b"x" * (1024 * 1024 // 2 * 3)

    response = _joindre(client, porteur, action, "comptes", "comptes.pdf", gros)

    assert "Le fichier pèse 1,5\u00a0Mo : la taille maximale est de 1\u00a0Mo." in (
        response.content.decode()
    )
    assert not Document.objects.exists()


def test_the_form_says_the_default_maximum_size(client, porteur, action):
    client.force_login(porteur)
    response = client.get(
        reverse("programmation:piece_add", args=[action.pk]), {"nature": "comptes"}
    )
    html = response.content.decode()
    assert "10\u00a0Mo au plus" in html
    assert '<option value="comptes" selected>' in html


def test_accounts_stay_valid_one_year_unless_told_otherwise(client, porteur, action):
    _joindre(client, porteur, action, "comptes", "comptes.pdf", PDF)
    _joindre(
        client, porteur, action, "rapport_activite", "ra.pdf", PDF, valide_jusqu_au="2030-06-30"
    )

    comptes = Document.objects.get(nature=NatureDocument.COMPTES)
    assert comptes.valide_jusqu_au == services_echanges.validite_par_defaut("comptes", TODAY)
    assert services_echanges.validite_par_defaut("comptes", datetime.date(2026, 3, 15)) == (
        datetime.date(2027, 3, 15)
    )
    assert services_echanges.validite_par_defaut("comptes", datetime.date(2028, 2, 29)) == (
        datetime.date(2029, 2, 28)
    )
    assert services_echanges.validite_par_defaut("rib", TODAY) is None
    rapport = Document.objects.get(nature=NatureDocument.RAPPORT_ACTIVITE)
    assert rapport.valide_jusqu_au == datetime.date(2030, 6, 30)


def test_a_new_file_replaces_the_piece_of_the_same_nature(client, porteur, action):
    _joindre(client, porteur, action, "statuts", "anciens.pdf", PDF)
    _joindre(client, porteur, action, "statuts", "nouveaux.pdf", PDF)
    _joindre(client, porteur, action, "autre", "agrement.pdf", PDF)
    _joindre(client, porteur, action, "autre", "projet-associatif.pdf", PDF)

    jointes = action.pieces.order_by("document__nom_original")
    assert [p.document.nom_original for p in jointes] == [
        "agrement.pdf",
        "nouveaux.pdf",
        "projet-associatif.pdf",
    ]
    assert Document.objects.filter(nature=NatureDocument.STATUTS).count() == 2  # kept


def test_only_the_porteur_attaches_while_it_may_edit(
    client, porteur, agent_agglo, outsider, action
):
    assert _joindre(client, outsider, action, "rib", "rib.pdf", PDF).status_code == 404
    assert _joindre(client, agent_agglo, action, "rib", "rib.pdf", PDF).status_code == 404
    mettre_a_l_etat(action, EtatAction.DEPOSEE)
    assert _joindre(client, agent_agglo, action, "rib", "rib.pdf", PDF).status_code == 403
    assert _joindre(client, porteur, action, "rib", "rib.pdf", PDF).status_code == 403
    assert not Document.objects.exists()


# Reuse of the organisation's valid documents


def test_valid_documents_are_reused_and_deposited_with_the_application(
    client, porteur, action, agent_agglo
):
    il_y_a_un_mois = timezone.now() - datetime.timedelta(days=30)
    DocumentFactory(organisation=porteur.organisation, nature="rib", depose_le=il_y_a_un_mois)
    DocumentFactory(
        organisation=porteur.organisation,
        nature="comptes",
        depose_le=il_y_a_un_mois,
        valide_jusqu_au=TODAY + datetime.timedelta(days=200),
    )
    documents_valides(porteur.organisation)
    client.force_login(porteur)

    html = client.get(reverse("programmation:action_edit", args=[action.pk])).content.decode()

    depuis = f"{il_y_a_un_mois.astimezone():%d/%m/%Y}"
    assert f"Déjà fourni le {depuis}, sans limite de validité" in html
    jusqu = f"{TODAY + datetime.timedelta(days=200):%d/%m/%Y}"
    assert f"Déjà fourni le {depuis}, valable jusqu'au {jusqu}" in html
    assert not action.pieces.exists()

    services.action_transition(action=action, code="deposer", user=porteur)

    # What was deposited is attached: the instructors read exactly that.
    assert set(action.pieces.values_list("document__nature", flat=True)) == {
        "statuts",
        "rib",
        "dirigeants",
        "rapport_activite",
        "comptes",
    }
    rib = action.pieces.get(document__nature="rib").document
    assert _download(client, agent_agglo, rib).status_code == 200


def test_an_expired_document_is_asked_again(client, porteur, action):
    documents_valides(porteur.organisation)
    porteur.organisation.documents.filter(nature="comptes").update(
        valide_jusqu_au=TODAY - datetime.timedelta(days=1)
    )

    with pytest.raises(ValidationError) as refused:
        services.action_transition(action=action, code="deposer", user=porteur)

    hier = f"{TODAY - datetime.timedelta(days=1):%d/%m/%Y}"
    assert refused.value.message_dict == {
        "pieces": [
            "La pièce « Derniers comptes approuvés » n'est plus valable (elle l'était "
            f"jusqu'au {hier}) : joignez-en une version à jour."
        ]
    }
    client.force_login(porteur)
    html = client.get(reverse("programmation:action_edit", args=[action.pk])).content.decode()
    assert f"Expirée : était valable jusqu'au {hier}" in html

    _joindre(client, porteur, action, "comptes", "comptes-2025.pdf", PDF)
    services.action_transition(action=action, code="deposer", user=porteur)
    assert action.pieces.get(document__nature="comptes").document.nom_original == (
        "comptes-2025.pdf"
    )


# The deposit's mandatory documents


def test_a_deposit_without_its_documents_is_refused_in_french(client, porteur, action):
    documents_valides(porteur.organisation, natures=["statuts"])

    with pytest.raises(ValidationError) as refused:
        services.action_transition(action=action, code="deposer", user=porteur)

    assert refused.value.message_dict == {
        "pieces": [
            "Pièce obligatoire manquante : relevé d'identité bancaire (RIB).",
            "Pièce obligatoire manquante : liste des dirigeants.",
            "Pièce obligatoire manquante : dernier rapport d'activité.",
            "Pièce obligatoire manquante : derniers comptes approuvés.",
        ]
    }
    # From the action's page, the porteur lands on the form with the problems listed.
    client.force_login(porteur)
    response = client.post(
        reverse("programmation:action_step", args=[action.pk]), {"code": "deposer"}, follow=True
    )
    html = response.content.decode()
    # Listed at the top, linking to the attachments block, and shown on that block.
    assert 'href="#pieces"' in html
    bloc = html[html.index('id="pieces"') :]
    assert "Pièce obligatoire manquante : liste des dirigeants." in bloc[: bloc.index("</table>")]
    action.refresh_from_db()
    assert action.etat == EtatAction.BROUILLON


def test_the_short_form_asks_only_for_the_statutes_and_the_rib(porteur, contrat):
    petite = ActionCompleteFactory(
        appel__contrat=contrat,
        appel__seuil_demande_simplifiee=Decimal("10000"),
        porteur=porteur.organisation,
        documents=False,
    )
    documents_valides(porteur.organisation, natures=["statuts"])

    assert services.action_submission_errors(petite) == {
        "pieces": ["Pièce obligatoire manquante : relevé d'identité bancaire (RIB)."]
    }
    documents_valides(porteur.organisation, natures=["rib"])
    services.action_transition(action=petite, code="deposer", user=porteur)
    assert petite.pieces.count() == 2


# Downloads


@pytest.fixture
def deposee(action, porteur):
    documents_valides(porteur.organisation)
    services.action_transition(action=action, code="deposer", user=porteur)
    return action


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("porteur", 200),
        ("agent_agglo", 200),
        ("partenaire_etat", 200),
        ("lecteur", 404),
        ("outsider", 404),
        ("agent_autre_contrat", 404),
        ("instructeur_non_sollicite", 404),
    ],
)
def test_downloads_are_scoped(client, request, deposee, persona, status, contrat):
    if persona == "instructeur_non_sollicite":
        user = factories.UserFactory(
            organisation=factories.OrganisationFactory(nom="Région", rna=""),
            roles=[RoleCode.INSTRUCTEUR_FINANCEUR],
            contrats=[contrat],
        )
    else:
        user = request.getfixturevalue(persona)
    statuts = deposee.pieces.get(document__nature="statuts").document

    response = _download(client, user, statuts)

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="statuts.pdf"'
        assert b"".join(response.streaming_content) == statuts.fichier.open("rb").read()


def test_a_draft_s_documents_stay_with_the_porteur(client, porteur, action, agent_agglo):
    documents_valides(porteur.organisation)
    rib = porteur.organisation.documents.get(nature="rib")

    assert _download(client, porteur, rib).status_code == 200
    assert _download(client, agent_agglo, rib).status_code == 404


def test_another_organisation_s_document_is_not_found(client, outsider, porteur):
    document = DocumentFactory(organisation=porteur.organisation)
    assert _download(client, outsider, document).status_code == 404


def test_the_action_page_lists_the_deposited_pieces_for_the_instructors(
    client, deposee, partenaire_etat, lecteur
):
    client.force_login(partenaire_etat)
    html = client.get(reverse("programmation:action_detail", args=[deposee.pk])).content.decode()
    statuts = deposee.pieces.get(document__nature="statuts").document
    assert reverse("programmation:piece_download", args=[statuts.pk]) in html
    assert "Joindre" not in html

    client.force_login(lecteur)
    html = client.get(reverse("programmation:action_detail", args=[deposee.pk])).content.decode()
    assert "Pièces jointes" not in html


def test_the_back_office_lists_the_documents_of_the_contract(
    client, deposee, agent_agglo, agent_autre_contrat
):
    url = reverse("admin:programmation_document_changelist")
    client.force_login(agent_agglo)
    assert len(client.get(url).context["cl"].result_list) == 5
    client.force_login(agent_autre_contrat)
    assert len(client.get(url).context["cl"].result_list) == 0
