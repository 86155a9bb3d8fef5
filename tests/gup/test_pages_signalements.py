"""The signalements' staff pages, by role: the coordination acts, an intervenant GUP sees
and handles only its organisation's problems, a reader reads, the others are refused."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gup.enums import EtatSignalement
from gup.models import CategorieSignalement, PhotoSignalement, Signalement
from gup.services_categories import categories_initialiser
from tests.gup.factories import CategorieFactory, DiagnosticFactory, SignalementFactory, image_bytes
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
E = EtatSignalement
LIST = reverse("gup:signalement_list")
CREATE = reverse("gup:signalement_create")


def detail(s):
    return reverse("gup:signalement_detail", args=[s.pk])


def etape(s):
    return reverse("gup:signalement_transition", args=[s.pk])


@pytest.fixture
def quartier(contrat):
    return QuartierFactory(contrat=contrat, nom="La Conte")


@pytest.fixture
def parties_communes(contrat, bailleur):
    return CategorieFactory(
        contrat=contrat, code="parties_communes", libelle="Parties communes",
        organisation_responsable=bailleur, delai_cible_jours=15,
    )  # fmt: skip


@pytest.fixture
def eclairage(contrat, intervenant_ville):
    return CategorieFactory(
        contrat=contrat, code="eclairage", libelle="Éclairage public",
        organisation_responsable=intervenant_ville.organisation, delai_cible_jours=10,
    )  # fmt: skip


@pytest.fixture
def probleme(quartier, parties_communes, bailleur):
    """The landlord's problem: a broken entrance door, transmitted to it."""
    return SignalementFactory(
        quartier=quartier, categorie=parties_communes, organisation_responsable=bailleur,
        description="Porte du hall B cassée", adresse="3 rue Buffon", etat=E.TRANSMIS,
    )  # fmt: skip


@pytest.fixture
def panne(quartier, eclairage, intervenant_ville):
    """The town's problem: a street lamp out."""
    return SignalementFactory(
        quartier=quartier, categorie=eclairage,
        organisation_responsable=intervenant_ville.organisation,
        description="Candélabre éteint", adresse="12 rue Buffon",
    )  # fmt: skip


def test_it_lists_every_problem_of_the_contract_for_the_coordination(
    client, coordinateur_gup, probleme, panne
):
    client.force_login(coordinateur_gup)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Porte du hall B" not in html  # the list shows the place, not the description
    assert f"N° {probleme.pk}" in html and f"N° {panne.pk}" in html
    assert "3 rue Buffon" in html and "12 rue Buffon" in html
    assert "2 signalements" in html
    assert "Nouveau signalement" in html


def test_an_intervenant_sees_only_its_organisation_s_problems(
    client, intervenant_gup, probleme, panne
):
    client.force_login(intervenant_gup)
    html = client.get(LIST).content.decode()
    assert f"N° {probleme.pk}" in html and f"N° {panne.pk}<" not in html
    assert "1 signalement" in html
    assert "Nouveau signalement" not in html
    assert client.get(detail(probleme)).status_code == 200
    assert client.get(detail(panne)).status_code == 404


def test_the_town_sees_nothing_of_the_landlord_s(client, intervenant_ville, probleme):
    client.force_login(intervenant_ville)
    assert f"N° {probleme.pk}<" not in client.get(LIST).content.decode()
    assert client.get(detail(probleme)).status_code == 404
    response = client.post(etape(probleme), {"code": "prendre_en_charge"})
    assert response.status_code == 404


def test_a_reader_reads_but_takes_no_step(client, lecteur, probleme):
    client.force_login(lecteur)
    response = client.get(detail(probleme))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Porte du hall B cassée" in html
    assert "Suite à donner" not in html and "Corriger le signalement" not in html
    assert client.post(etape(probleme), {"code": "resoudre"}).status_code == 403
    assert client.get(CREATE).status_code == 403
    probleme.refresh_from_db()
    assert probleme.etat == E.TRANSMIS


def test_another_contract_s_agent_gets_a_404(client, agent_autre_contrat, probleme):
    client.force_login(agent_autre_contrat)
    assert client.get(detail(probleme)).status_code == 404
    assert f"N° {probleme.pk}<" not in client.get(LIST).content.decode()


def test_a_porteur_is_refused(client, porteur, probleme):
    client.force_login(porteur)
    assert client.get(LIST).status_code == 403
    assert client.get(detail(probleme)).status_code == 403


# Filters, sort and pages --------------------------------------------------------------------


def test_it_filters_late_open_problems_by_state_category_and_text(
    client, coordinateur_gup, probleme, panne, quartier, parties_communes
):
    hier = timezone.localdate() - datetime.timedelta(days=1)
    Signalement.objects.filter(pk=probleme.pk).update(echeance=hier)
    Signalement.objects.filter(pk=panne.pk).update(echeance=hier + datetime.timedelta(days=2))
    resolu = SignalementFactory(
        quartier=quartier, categorie=parties_communes, etat=E.RESOLU, echeance=hier,
        adresse="Parking Ozanam",
    )  # fmt: skip
    client.force_login(coordinateur_gup)

    def numeros(**criteres):
        page = client.get(LIST, criteres).context["page"]
        return {s.pk for s in page.object_list}

    assert numeros() == {probleme.pk, panne.pk, resolu.pk}
    assert numeros(en_retard="on") == {probleme.pk}  # the solved one is not late
    assert numeros(etat=["resolu", "nouveau"]) == {resolu.pk, panne.pk}
    assert numeros(categorie=parties_communes.pk) == {probleme.pk, resolu.pk}
    assert numeros(q="ozanam") == {resolu.pk}
    assert numeros(q=f"n° {panne.pk}") == {panne.pk}
    assert numeros(organisation=probleme.organisation_responsable_id) == {probleme.pk}
    html = client.get(LIST, {"en_retard": "on"}).content.decode()
    assert "en retard" in html


def test_it_sorts_by_due_date(client, coordinateur_gup, probleme, panne):
    Signalement.objects.filter(pk=probleme.pk).update(echeance=datetime.date(2026, 5, 1))
    Signalement.objects.filter(pk=panne.pk).update(echeance=datetime.date(2026, 4, 20))
    client.force_login(coordinateur_gup)
    page = client.get(LIST, {"tri": "echeance"}).context["page"]
    assert [s.pk for s in page.object_list] == [panne.pk, probleme.pk]
    page = client.get(LIST, {"tri": "-echeance"}).context["page"]
    assert [s.pk for s in page.object_list] == [probleme.pk, panne.pk]


def test_the_list_costs_the_same_queries_whatever_the_number_of_rows(
    client, coordinateur_gup, quartier, parties_communes, eclairage, django_assert_num_queries
):
    client.force_login(coordinateur_gup)
    for _ in range(2):
        SignalementFactory(quartier=quartier, categorie=eclairage)

    def compter():
        # session, user, roles, current contract, the page's count, "may create?", the
        # header's contract switcher and organisation, the filter's choices (quartiers,
        # categories, organisations, diagnostics), the page's rows.
        with django_assert_num_queries(13):
            response = client.get(LIST)
        return response

    assert compter().context["page"].paginator.count == 2
    for _ in range(6):
        SignalementFactory(quartier=quartier, categorie=parties_communes)
    assert compter().context["page"].paginator.count == 8


def test_it_pages_by_50(client, coordinateur_gup, quartier, parties_communes):
    SignalementFactory.create_batch(51, quartier=quartier, categorie=parties_communes)
    client.force_login(coordinateur_gup)
    response = client.get(LIST)
    assert len(response.context["page"].object_list) == 50
    assert "Page 1 sur 2" in response.content.decode()
    assert len(client.get(LIST, {"page": 2}).context["page"].object_list) == 1


# The problem's page: steps, comments, photos ---------------------------------------------------


def test_the_coordination_transmits_to_the_body_it_chooses(
    client, coordinateur_gup, panne, bailleur
):
    client.force_login(coordinateur_gup)
    html = client.get(detail(panne)).content.decode()
    assert "Transmettre à l&#x27;organisation responsable" in html
    assert 'name="transmettre-organisation"' in html
    response = client.post(
        etape(panne),
        {"code": "transmettre", "transmettre-organisation": bailleur.pk,
         "transmettre-version": panne.version, "transmettre-commentaire": "Voir le gardien."},
    )  # fmt: skip
    assert response.status_code == 302
    panne.refresh_from_db()
    assert panne.etat == E.TRANSMIS and panne.organisation_responsable == bailleur
    html = client.get(detail(panne)).content.decode()
    assert "le signalement est maintenant à l&#x27;état « Transmis »" in html
    assert "Voir le gardien." in html and "Habitat Audois" in html


def test_the_landlord_takes_its_steps_and_a_stale_page_is_refused(
    client, intervenant_gup, coordinateur_gup, probleme
):
    client.force_login(intervenant_gup)
    lue = probleme.version
    html = client.get(detail(probleme)).content.decode()
    assert "Prendre en charge" in html and "Transmettre" not in html
    data = {"code": "prendre_en_charge", "prendre_en_charge-version": lue}
    assert client.post(etape(probleme), data).status_code == 302
    probleme.refresh_from_db()
    assert probleme.etat == E.PRIS_EN_CHARGE

    # The page still open elsewhere holds the old version: refused, nothing changes.
    response = client.post(etape(probleme), {"code": "demarrer", "demarrer-version": lue})
    assert response.status_code == 302
    html = client.get(detail(probleme)).content.decode()
    assert "modifié entre-temps" in html
    probleme.refresh_from_db()
    assert probleme.etat == E.PRIS_EN_CHARGE


def test_out_of_its_remit_needs_a_comment_in_french(client, intervenant_gup, probleme):
    client.force_login(intervenant_gup)
    response = client.post(
        etape(probleme), {"code": "hors_competence", "hors_competence-version": probleme.version}
    )
    assert response.status_code == 400
    assert "Expliquez cette étape en quelques mots." in response.content.decode()
    probleme.refresh_from_db()
    assert probleme.etat == E.TRANSMIS and probleme.evenements.count() == 0


def test_a_duplicate_is_chosen_among_the_open_problems_of_the_contract(
    client, coordinateur_gup, probleme, panne, quartier, parties_communes, autre_contrat
):
    clos = SignalementFactory(quartier=quartier, categorie=parties_communes, etat=E.RESOLU)
    ailleurs = SignalementFactory(quartier=QuartierFactory(contrat=autre_contrat))
    client.force_login(coordinateur_gup)
    form = next(
        f for f in client.get(detail(probleme)).context["etapes"]
        if f.transition.code == "marquer_doublon"
    )  # fmt: skip
    assert set(form.fields["original"].queryset) == {panne}
    assert clos not in form.fields["original"].queryset
    response = client.post(
        etape(probleme),
        {"code": "marquer_doublon", "marquer_doublon-original": ailleurs.pk,
         "marquer_doublon-version": probleme.version},
    )  # fmt: skip
    assert "Choisissez un signalement ouvert du même contrat." in response.content.decode()
    client.post(
        etape(probleme),
        {"code": "marquer_doublon", "marquer_doublon-original": panne.pk,
         "marquer_doublon-version": probleme.version},
    )  # fmt: skip
    probleme.refresh_from_db()
    assert probleme.etat == E.DOUBLON and probleme.original == panne


def test_a_comment_with_a_photo_is_served_only_to_those_who_see_the_problem(
    client, intervenant_gup, intervenant_ville, lecteur, probleme
):
    client.force_login(intervenant_gup)
    photo = SimpleUploadedFile("hall.jpg", image_bytes(), content_type="image/jpeg")
    response = client.post(
        reverse("gup:signalement_comment", args=[probleme.pk]),
        {"suivi-commentaire": "Serrurier commandé.", "suivi-photo": photo, "suivi-public": "on"},
    )
    assert response.status_code == 302
    image = PhotoSignalement.objects.get(signalement=probleme)
    url = reverse("gup:photo", args=[image.pk])
    html = client.get(detail(probleme)).content.decode()
    assert "Serrurier commandé." in html
    assert f'src="{url}"' in html and "/media/" not in html

    client.force_login(lecteur)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(intervenant_ville)
    assert client.get(url).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_in_french(client, coordinateur_gup, probleme):
    client.force_login(coordinateur_gup)
    faux = SimpleUploadedFile("note.jpg", b"pas une image", content_type="image/jpeg")
    response = client.post(
        reverse("gup:signalement_comment", args=[probleme.pk]),
        {"suivi-commentaire": "Voir photo", "suivi-photo": faux},
    )
    assert response.status_code == 400
    assert "Ce fichier n&#x27;est pas une photo (JPEG, PNG ou WebP)." in response.content.decode()
    assert probleme.evenements.count() == 0 and not PhotoSignalement.objects.exists()


# Creation and correction ----------------------------------------------------------------------


def test_the_coordination_records_a_problem_routed_to_its_category_s_body(
    client, coordinateur_gup, quartier, eclairage, intervenant_ville
):
    client.force_login(coordinateur_gup)
    diagnostic = DiagnosticFactory(quartier=quartier)
    photo = SimpleUploadedFile("lampe.png", image_bytes("PNG"), content_type="image/png")
    response = client.post(
        CREATE,
        {"quartier": quartier.pk, "categorie": eclairage.pk, "description": "Lampadaire cassé",
         "adresse": "Place Ozanam", "source": "diagnostic", "priorite": "haute",
         "diagnostic": diagnostic.pk, "photo": photo},
    )  # fmt: skip
    signalement = Signalement.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(signalement)
    assert signalement.organisation_responsable == intervenant_ville.organisation
    assert signalement.echeance == timezone.localdate(signalement.signale_le) + datetime.timedelta(
        days=10
    )
    assert signalement.photos.count() == 1 and signalement.auteur == coordinateur_gup


def test_a_bad_entry_shows_french_errors_and_writes_nothing(
    client, coordinateur_gup, quartier, eclairage, autre_contrat
):
    ailleurs = CategorieFactory(contrat=autre_contrat)
    client.force_login(coordinateur_gup)
    response = client.post(
        CREATE,
        {"quartier": quartier.pk, "categorie": ailleurs.pk, "description": " ",
         "latitude": "43.2", "source": "partenaire", "priorite": "normale"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["categorie"] == ["Choisissez une catégorie active du contrat."]
    assert errors["description"] == ["Décrivez le problème constaté."]
    assert not Signalement.objects.exists()
    response = client.post(
        CREATE,
        {"quartier": quartier.pk, "categorie": eclairage.pk, "description": "Trou",
         "latitude": "43.2", "source": "partenaire", "priorite": "normale"},
    )  # fmt: skip
    assert response.context["form"].errors["latitude"] == [
        "Indiquez la latitude et la longitude, ou aucune des deux."
    ]
    assert not Signalement.objects.exists()


def test_the_coordination_corrects_an_open_problem_and_a_stale_form_shows_the_other_values(
    client, coordinateur_gup, probleme, eclairage
):
    client.force_login(coordinateur_gup)
    url = reverse("gup:signalement_edit", args=[probleme.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(description="Porte du hall B arrachée", priorite="urgente")
    assert client.post(url, data).status_code == 302
    probleme.refresh_from_db()
    assert probleme.description == "Porte du hall B arrachée" and probleme.version == 2
    assert probleme.evenements.get().code == "modification"

    # The same form sent again holds version 1: refused, the other person's values shown.
    data.update(description="Autre texte")
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "modifié entre-temps" in html
    assert "Valeurs enregistrées entre-temps" in html and "Porte du hall B arrachée" in html
    probleme.refresh_from_db()
    assert probleme.description == "Porte du hall B arrachée"


def test_only_the_coordination_corrects(client, intervenant_gup, lecteur, probleme):
    url = reverse("gup:signalement_edit", args=[probleme.pk])
    for user in (intervenant_gup, lecteur):
        client.force_login(user)
        assert client.get(url).status_code == 403


# Categories -----------------------------------------------------------------------------------


def test_the_coordination_creates_the_default_categories_once(client, coordinateur_gup, contrat):
    client.force_login(coordinateur_gup)
    url = reverse("gup:categories_initialiser")
    client.post(url)
    assert CategorieSignalement.objects.filter(contrat=contrat).count() == 11
    html = client.post(url, follow=True).content.decode()
    assert "Toutes les catégories par défaut existent déjà" in html
    assert CategorieSignalement.objects.filter(contrat=contrat).count() == 11
    assert (
        "Parties communes (bailleur)" in client.get(reverse("gup:categorie_list")).content.decode()
    )


def test_initialising_keeps_the_contract_s_own_settings(contrat, bailleur):
    voirie = CategorieFactory(contrat=contrat, code="voirie", libelle="Routes", delai_cible_jours=5)
    creees = categories_initialiser(contrat=contrat)
    assert len(creees) == 10
    voirie.refresh_from_db()
    assert (voirie.libelle, voirie.delai_cible_jours) == ("Routes", 5)


def test_a_category_is_edited_with_french_errors(client, coordinateur_gup, eclairage, bailleur):
    client.force_login(coordinateur_gup)
    url = reverse("gup:categorie_edit", args=[eclairage.pk])
    data = {"libelle": "Éclairage", "organisation_responsable": bailleur.pk,
            "delai_cible_jours": 0, "ordre": 3, "active": "on"}  # fmt: skip
    response = client.post(url, data)
    assert response.context["form"].errors["delai_cible_jours"] == [
        "Le délai visé est d'au moins 1 jour."
    ]
    eclairage.refresh_from_db()
    assert eclairage.delai_cible_jours == 10
    data["delai_cible_jours"] = 20
    assert client.post(url, data).status_code == 302
    eclairage.refresh_from_db()
    assert (eclairage.libelle, eclairage.delai_cible_jours, eclairage.organisation_responsable) == (
        "Éclairage", 20, bailleur,
    )  # fmt: skip


def test_readers_see_the_categories_without_editing_them(client, lecteur, eclairage):
    client.force_login(lecteur)
    html = client.get(reverse("gup:categorie_list")).content.decode()
    assert "Éclairage public" in html and "Créer les catégories par défaut" not in html
    assert client.post(reverse("gup:categories_initialiser")).status_code == 403
    assert client.get(reverse("gup:categorie_edit", args=[eclairage.pk])).status_code == 403
