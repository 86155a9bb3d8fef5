"""Residents' reports without an account: the form, its protections (rate limit, honeypot,
photos, inert text), the tracking page and the resident's confirmation."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from gup import services
from gup.enums import EtatSignalement, SourceSignalement
from gup.models import EvenementSignalement, PhotoSignalement, Signalement
from quartiers.geojson import rectangle
from tests.gup.factories import CategorieFactory, SignalementFactory, image_bytes
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
E = EtatSignalement
URL = "/gup/signaler/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def quartier(contrat):
    return QuartierFactory(
        contrat=contrat, nom="La Conte", perimetre=rectangle(2.36, 43.20, 2.38, 43.22)
    )


@pytest.fixture
def eclairage(contrat, intervenant_ville):
    return CategorieFactory(
        contrat=contrat, code="eclairage", libelle="Éclairage public",
        organisation_responsable=intervenant_ville.organisation,
    )  # fmt: skip


def donnees(quartier, categorie, **extra):
    return {
        "categorie": categorie.pk,
        "quartier": quartier.pk,
        "description": "Le lampadaire devant le 12 est éteint depuis une semaine.",
        "adresse": "12 rue Buffon",
        "latitude": "",
        "longitude": "",
        "email": "",
        "site_web": "",
        **extra,
    }


def envoyer(client, contrat, data, **kwargs):
    return client.post(f"{URL}?contrat={contrat.code}", data, **kwargs)


def test_it_lists_the_contracts_and_opens_the_form_of_the_one_chosen(
    client, contrat, autre_contrat, quartier, eclairage
):
    QuartierFactory(contrat=autre_contrat, nom="Saint-Jean")
    CategorieFactory(contrat=autre_contrat, code="proprete", libelle="Propreté")
    page = client.get(URL).content.decode()
    assert "Contrat de ville de Carcassonne Agglo" in page and "Grand Narbonne" in page

    page = client.get(f"{URL}?contrat={contrat.code}").content.decode()
    assert "Éclairage public" in page and "La Conte" in page
    assert "Propreté" not in page and "Saint-Jean" not in page
    assert client.get(f"{URL}?contrat=INCONNU").status_code == 404


def test_a_single_contract_opens_its_form_directly(client, contrat, quartier, eclairage):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Éclairage public" in response.content.decode()


def test_a_resident_reports_a_problem_that_waits_for_moderation(
    client, contrat, quartier, eclairage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = envoyer(client, contrat, donnees(quartier, eclairage, email="ines@exemple.fr"))
    signalement = Signalement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/gup/suivi/{signalement.jeton_suivi}/"
    assert signalement.etat == E.NOUVEAU and signalement.transmis_le is None
    assert signalement.source == SourceSignalement.HABITANT and signalement.auteur is None
    assert signalement.email_signalant == "ines@exemple.fr"
    # The category's body is planned but nothing is transmitted before moderation.
    assert list(signalement.evenements.values_list("code", flat=True)) == ["creation"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ines@exemple.fr"]
    assert f"/gup/suivi/{signalement.jeton_suivi}/" in mail.outbox[0].body


def test_a_point_on_the_map_is_enough_without_an_address(client, contrat, quartier, eclairage):
    data = donnees(quartier, eclairage, adresse="", latitude="43.21", longitude="2.37")
    assert envoyer(client, contrat, data).status_code == 302
    signalement = Signalement.objects.get()
    assert (str(signalement.latitude), str(signalement.longitude)) == ("43.210000", "2.370000")


def test_bad_input_gets_french_messages_and_writes_nothing(client, contrat, quartier, eclairage):
    data = donnees(quartier, eclairage, description="", adresse="", email="pas-une-adresse")
    response = envoyer(client, contrat, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Décrivez le problème en quelques mots." in page
    assert "Indiquez une adresse ou touchez la carte" in page
    assert "Saisissez une adresse électronique valide." in page
    assert "Le signalement n&#x27;est pas envoyé" in page
    assert not Signalement.objects.exists()


def test_a_point_outside_the_quartier_chosen_is_refused(client, contrat, quartier, eclairage):
    data = donnees(quartier, eclairage, latitude="43.5", longitude="2.37")
    page = envoyer(client, contrat, data).content.decode()
    assert "n&#x27;est pas dans ce quartier" in page
    assert not Signalement.objects.exists()


def test_a_category_of_another_contract_is_refused(
    client, contrat, autre_contrat, quartier, eclairage
):
    ailleurs = CategorieFactory(contrat=autre_contrat, code="proprete")
    page = envoyer(client, contrat, donnees(quartier, ailleurs)).content.decode()
    assert "Sélectionnez un choix valide" in page
    assert not Signalement.objects.exists()


def test_the_photo_is_kept_without_its_exif(client, contrat, quartier, eclairage):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Marque du téléphone"
    photo = SimpleUploadedFile("photo.jpg", image_bytes(exif=exif), content_type="image/jpeg")
    assert envoyer(client, contrat, donnees(quartier, eclairage, photo=photo)).status_code == 302
    stored = PhotoSignalement.objects.get()
    with stored.fichier.open("rb") as fichier, Image.open(fichier) as image:
        assert image.format == "JPEG" and not image.getexif()


def test_a_pdf_renamed_jpg_is_refused(client, contrat, quartier, eclairage):
    faux = SimpleUploadedFile("photo.jpg", b"%PDF-1.7\n1 0 obj\n<<>>\n", content_type="image/jpeg")
    page = envoyer(client, contrat, donnees(quartier, eclairage, photo=faux)).content.decode()
    assert "Ce fichier n&#x27;est pas une photo (JPEG, PNG ou WebP)." in page
    assert not Signalement.objects.exists() and not PhotoSignalement.objects.exists()


@override_settings(GUP_PHOTO_TAILLE_MAX=1024)
def test_an_oversized_photo_is_refused(client, contrat, quartier, eclairage):
    grande = SimpleUploadedFile("grande.png", image_bytes("PNG", size=(400, 400)))
    assert grande.size > 1024
    page = envoyer(client, contrat, donnees(quartier, eclairage, photo=grande)).content.decode()
    assert "La photo dépasse" in page
    assert not Signalement.objects.exists()


@override_settings(GUP_SIGNALEMENT_RATE="5/h")
def test_the_sixth_report_of_the_hour_from_one_address_is_refused(
    client, contrat, quartier, eclairage
):
    for _ in range(5):
        assert envoyer(client, contrat, donnees(quartier, eclairage)).status_code == 302
    response = envoyer(client, contrat, donnees(quartier, eclairage))
    assert response.status_code == 429
    assert "Vous avez déjà envoyé plusieurs signalements" in response.content.decode()
    assert Signalement.objects.count() == 5
    # Another address is not concerned.
    other = envoyer(client, contrat, donnees(quartier, eclairage), REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302 and Signalement.objects.count() == 6


@override_settings(GUP_SIGNALEMENT_RATE="2/h")
def test_forms_with_errors_do_not_use_up_the_limit(client, contrat, quartier, eclairage):
    for _ in range(3):
        envoyer(client, contrat, donnees(quartier, eclairage, description=""))
    assert envoyer(client, contrat, donnees(quartier, eclairage)).status_code == 302


def test_a_robot_filling_the_hidden_field_is_silently_discarded(
    client, contrat, quartier, eclairage
):
    response = envoyer(
        client, contrat, donnees(quartier, eclairage, site_web="http://spam.example")
    )
    assert response.status_code == 200
    assert "Votre signalement a bien été reçu." in response.content.decode()
    assert not Signalement.objects.exists()


def test_the_hidden_field_is_hidden_from_people_and_screen_readers(
    client, contrat, quartier, eclairage
):
    page = client.get(f"{URL}?contrat={contrat.code}").content.decode()
    assert '<div class="gup-piege" aria-hidden="true">' in page
    assert 'name="site_web"' in page and 'tabindex="-1"' in page


# Tracking page ---------------------------------------------------------------------------


@pytest.fixture
def signale(quartier, eclairage):
    signalement, _ = services.signalement_create(
        quartier=quartier, categorie=eclairage, source=SourceSignalement.HABITANT,
        description="<script>alert('x')</script> Lampadaire éteint", adresse="12 rue Buffon",
        email_signalant="ines@exemple.fr",
    )  # fmt: skip
    return signalement


def test_the_tracking_page_shows_the_state_and_the_public_history(
    client, signale, coordinateur_gup
):
    services.signalement_transition(
        signalement=signale, user=coordinateur_gup, code="transmettre", commentaire="Vu."
    )
    services.signalement_comment(
        signalement=signale, user=coordinateur_gup, commentaire="Note interne secrète",
        public=False,
    )  # fmt: skip
    response = client.get(f"/gup/suivi/{signale.jeton_suivi}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Éclairage public" in page and "La Conte" in page
    assert "Transmis à l&#x27;organisme chargé d&#x27;intervenir." in page
    assert "Signalement reçu" in page and "Vu." in page
    assert "Note interne secrète" not in page
    assert "ines@exemple.fr" not in page and coordinateur_gup.email not in page
    assert coordinateur_gup.get_full_name() not in page


def test_a_script_typed_in_stays_text_on_the_tracking_page(client, signale):
    page = client.get(f"/gup/suivi/{signale.jeton_suivi}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_an_unknown_token_is_not_found(client, signale):
    assert client.get("/gup/suivi/pas-un-jeton/").status_code == 404


def resoudre(signalement, coordinateur):
    for code in ("transmettre", "resoudre"):
        services.signalement_transition(signalement=signalement, user=coordinateur, code=code)


def test_the_resident_confirms_the_resolution(client, signale, coordinateur_gup):
    url = f"/gup/suivi/{signale.jeton_suivi}/"
    assert "Le problème est-il vraiment réglé ?" not in client.get(url).content.decode()
    resoudre(signale, coordinateur_gup)
    page = client.get(url).content.decode()
    assert "Le problème est-il vraiment réglé ?" in page
    assert "n'est pas rouvert automatiquement" in page

    response = client.post(url, {"reponse": "oui"}, follow=True)
    signale.refresh_from_db()
    assert signale.resolution_confirmee is True and signale.etat == E.RESOLU
    assert "Vous avez confirmé que le problème est réglé." in response.content.decode()


def test_a_no_tells_the_coordination_without_reopening(client, signale, coordinateur_gup):
    resoudre(signale, coordinateur_gup)
    url = f"/gup/suivi/{signale.jeton_suivi}/"
    response = client.post(url, {"reponse": "non"}, follow=True)
    signale.refresh_from_db()
    assert signale.resolution_confirmee is False and signale.etat == E.RESOLU
    ligne = EvenementSignalement.objects.get(signalement=signale, code="resolution_contestee")
    assert ligne.auteur is None and "pas réglé" in ligne.commentaire
    assert "la coordination est prévenue" in response.content.decode()
    # Asked once: a second answer changes nothing.
    client.post(url, {"reponse": "oui"})
    signale.refresh_from_db()
    assert signale.resolution_confirmee is False


def test_an_unsolved_report_does_not_take_an_answer(client, signale):
    client.post(f"/gup/suivi/{signale.jeton_suivi}/", {"reponse": "oui"})
    signale.refresh_from_db()
    assert signale.resolution_confirmee is None


def test_the_tracking_page_reads_a_fixed_number_of_queries(
    client, signale, coordinateur_gup, django_assert_num_queries
):
    for n in range(5):
        services.signalement_comment(
            signalement=signale, user=coordinateur_gup, commentaire=f"Étape {n}"
        )
    # The report with its category, quartier and contract; its public history.
    with django_assert_num_queries(2):
        client.get(f"/gup/suivi/{signale.jeton_suivi}/")


def test_an_existing_report_of_a_partner_is_trackable_too(client, quartier, eclairage):
    signalement = SignalementFactory(quartier=quartier, categorie=eclairage)
    assert client.get(f"/gup/suivi/{signalement.jeton_suivi}/").status_code == 200
