"""Moderation of residents' reports by the coordination GUP: who sees the page, what it
lists, the three decisions, and text typed by residents staying inert."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cdv.enums import RoleCode
from gup import services
from gup.enums import EtatSignalement, SourceSignalement
from tests import factories
from tests.gup.factories import CategorieFactory, SignalementFactory, image_bytes
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
E = EtatSignalement
URL = "/gup/moderation/"


@pytest.fixture
def quartier(contrat):
    return QuartierFactory(contrat=contrat, nom="La Conte")


@pytest.fixture
def eclairage(contrat, intervenant_ville):
    return CategorieFactory(
        contrat=contrat, code="eclairage", libelle="Éclairage public",
        organisation_responsable=intervenant_ville.organisation,
    )  # fmt: skip


def habitant(quartier, categorie, description="Lampadaire éteint rue Buffon", **kwargs):
    signalement, _ = services.signalement_create(
        quartier=quartier, categorie=categorie, source=SourceSignalement.HABITANT,
        description=description, adresse="12 rue Buffon", **kwargs,
    )  # fmt: skip
    return signalement


def test_the_coordination_sees_the_residents_reports_of_its_contracts(
    client, coordinateur_gup, quartier, eclairage, autre_contrat
):
    a_moderer = habitant(quartier, eclairage, description="Dépôt sauvage au pied de la tour")
    SignalementFactory(quartier=quartier, categorie=eclairage, description="Saisi en diagnostic")
    ailleurs = QuartierFactory(contrat=autre_contrat, nom="Saint-Jean")
    habitant(ailleurs, CategorieFactory(contrat=autre_contrat), description="Autre contrat")
    client.force_login(coordinateur_gup)
    page = client.get(URL).content.decode()
    assert f"N° {a_moderer.pk} — Éclairage public — La Conte" in page
    assert "Dépôt sauvage au pied de la tour" in page
    assert "Saisi en diagnostic" not in page and "Autre contrat" not in page


@pytest.mark.parametrize("persona", ["agent_agglo", "lecteur", "intervenant_gup", "porteur"])
def test_other_roles_are_refused(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


def test_anonymous_visitors_go_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_a_script_typed_in_stays_text_in_the_moderation_page(
    client, coordinateur_gup, quartier, eclairage
):
    habitant(quartier, eclairage, description="<script>alert(1)</script><b>gras</b>")
    client.force_login(coordinateur_gup)
    page = client.get(URL).content.decode()
    assert "<script>alert(1)" not in page and "<b>gras</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt;" in page


def test_transmit_sends_it_to_the_body_chosen(
    client, coordinateur_gup, quartier, eclairage, bailleur
):
    signalement = habitant(quartier, eclairage)
    client.force_login(coordinateur_gup)
    response = client.post(
        f"/gup/moderation/{signalement.pk}/decision/",
        {f"s{signalement.pk}-action": "transmettre", f"s{signalement.pk}-organisation": bailleur.pk,
         f"s{signalement.pk}-version": signalement.version},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == URL
    signalement.refresh_from_db()
    assert signalement.etat == E.TRANSMIS and signalement.organisation_responsable == bailleur
    assert f"N° {signalement.pk}" not in client.get(URL).content.decode()


def test_mark_duplicate_of_a_known_report(client, coordinateur_gup, quartier, eclairage):
    original = SignalementFactory(quartier=quartier, categorie=eclairage)
    signalement = habitant(quartier, eclairage)
    client.force_login(coordinateur_gup)
    p = f"s{signalement.pk}"
    client.post(
        f"/gup/moderation/{signalement.pk}/decision/",
        {f"{p}-action": "marquer_doublon", f"{p}-original": original.pk,
         f"{p}-version": signalement.version},
    )  # fmt: skip
    signalement.refresh_from_db()
    assert signalement.etat == E.DOUBLON and signalement.original == original


def test_a_duplicate_of_another_contracts_report_is_refused(
    client, coordinateur_gup, quartier, eclairage, autre_contrat
):
    etranger = SignalementFactory(quartier=QuartierFactory(contrat=autre_contrat))
    signalement = habitant(quartier, eclairage)
    client.force_login(coordinateur_gup)
    p = f"s{signalement.pk}"
    response = client.post(
        f"/gup/moderation/{signalement.pk}/decision/",
        {f"{p}-action": "marquer_doublon", f"{p}-original": etranger.pk,
         f"{p}-version": signalement.version},
    )  # fmt: skip
    assert f"Aucun signalement n° {etranger.pk} parmi les vôtres." in response.content.decode()
    signalement.refresh_from_db()
    assert signalement.etat == E.NOUVEAU


def test_closing_needs_a_comment(client, coordinateur_gup, quartier, eclairage):
    signalement = habitant(quartier, eclairage)
    client.force_login(coordinateur_gup)
    p = f"s{signalement.pk}"
    url = f"/gup/moderation/{signalement.pk}/decision/"
    data = {f"{p}-action": "clore_sans_suite", f"{p}-version": signalement.version}
    page = client.post(url, data).content.decode()
    assert "Expliquez pourquoi le signalement est clos." in page
    signalement.refresh_from_db()
    assert signalement.etat == E.NOUVEAU

    client.post(url, {**data, f"{p}-commentaire": "Hors du domaine public."})
    signalement.refresh_from_db()
    assert signalement.etat == E.CLOS_SANS_SUITE
    derniere = signalement.evenements.last()
    assert derniere.commentaire == "Hors du domaine public." and derniere.public


def test_a_stale_version_is_refused(client, coordinateur_gup, quartier, eclairage, bailleur):
    signalement = habitant(quartier, eclairage)
    client.force_login(coordinateur_gup)
    p = f"s{signalement.pk}"
    page = client.post(
        f"/gup/moderation/{signalement.pk}/decision/",
        {f"{p}-action": "transmettre", f"{p}-organisation": bailleur.pk, f"{p}-version": 99},
    ).content.decode()  # fmt: skip
    assert "modifié entre-temps" in page
    signalement.refresh_from_db()
    assert signalement.etat == E.NOUVEAU


def test_another_contracts_coordinator_cannot_decide(
    client, quartier, eclairage, autre_contrat, bailleur
):
    signalement = habitant(quartier, eclairage)
    autre = factories.UserFactory(roles=[RoleCode.COORDINATEUR_GUP], contrats=[autre_contrat])
    client.force_login(autre)
    p = f"s{signalement.pk}"
    response = client.post(
        f"/gup/moderation/{signalement.pk}/decision/",
        {f"{p}-action": "transmettre", f"{p}-organisation": bailleur.pk, f"{p}-version": 1},
    )  # fmt: skip
    assert response.status_code == 404
    signalement.refresh_from_db()
    assert signalement.etat == E.NOUVEAU


def test_the_photo_is_shown_to_the_coordination_only(
    client, coordinateur_gup, quartier, eclairage, agent_autre_contrat
):
    photo = SimpleUploadedFile("p.png", image_bytes("PNG"))
    signalement = habitant(quartier, eclairage, photos=[photo])
    stored = signalement.photos.get()
    client.force_login(coordinateur_gup)
    assert f'src="/gup/moderation/photos/{stored.pk}/"' in client.get(URL).content.decode()
    response = client.get(f"/gup/moderation/photos/{stored.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(agent_autre_contrat)
    assert client.get(f"/gup/moderation/photos/{stored.pk}/").status_code == 403


def test_the_list_reads_a_fixed_number_of_queries(
    client, coordinateur_gup, quartier, eclairage, django_assert_num_queries
):
    for n in range(4):
        habitant(quartier, eclairage, description=f"Problème {n}",
                 photos=[SimpleUploadedFile("p.png", image_bytes("PNG"))])  # fmt: skip
    client.force_login(coordinateur_gup)
    # Session, user, roles; organisations of the directory; the reports (with their
    # quartier, contract, category, body) and their photos; the header's contract
    # switcher (3 queries, every page).
    with django_assert_num_queries(9):
        response = client.get(URL)
    assert response.content.decode().count("Enregistrer la décision") == 4
