"""The walk's capture on a phone, in the system Chromium: a problem placed by tapping the
map and sent at once; a second one, with its photo, typed while offline, kept on the phone
and sent when the network comes back; nothing lost, nothing recorded twice; an entry the
server refuses is corrected on the phone; axe-core finds nothing to fix."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from cdv.enums import RoleCode
from gup.enums import Priorite, SourceSignalement
from gup.models import Signalement
from quartiers.geojson import rectangle
from tests import factories
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
)
from tests.gup.factories import CategorieFactory, DiagnosticFactory, image_bytes
from tests.programmation.factories import QuartierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The perimeter of the quartier: the map's tap lands inside it.
LON_MIN, LAT_MIN, LON_MAX, LAT_MAX = 2.3637, 43.2054, 2.3794, 43.2191


@pytest.fixture
def diagnostic(db):
    contrat = factories.ContratFactory(nom="Contrat de ville de Carcassonne Agglo")
    quartier = QuartierFactory(contrat=contrat, nom="La Conte")
    quartier.perimetre = rectangle(LON_MIN, LAT_MIN, LON_MAX, LAT_MAX)
    quartier.save()
    CategorieFactory(contrat=contrat, code="eclairage", libelle="Éclairage public", ordre=1)
    CategorieFactory(contrat=contrat, code="encombrants", libelle="Encombrants", ordre=2)
    return DiagnosticFactory(quartier=quartier, secteur="Rue Buffon, place Ozanam")


@pytest.fixture
def coordinateur(diagnostic):
    return factories.UserFactory(
        email="gup@agglo.fr",
        roles=[RoleCode.COORDINATEUR_GUP],
        contrats=[diagnostic.quartier.contrat],
    )


@pytest.fixture
def telephone(browser, live_server):  # noqa: F811
    """A phone-sized page (390 × 844, touch), in the platform's time zone."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        # Where the phone stands, for the "Ma position" button: inside the quartier.
        geolocation={"latitude": 43.2101, "longitude": 2.3702},
        permissions=["geolocation"],
    )
    page = context.new_page()
    yield page
    context.close()


def ouvrir(page, diagnostic):
    page.goto(f"/gup/diagnostics/{diagnostic.pk}/saisie/")
    # The script is ready: IndexedDB opened, the map drawn, the queue read.
    page.wait_for_selector("#form-saisie[data-pret]", state="attached")


def file_du_telephone(page):
    """The entries the phone still keeps in IndexedDB."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const ouverture = indexedDB.open("cdv-gup-saisie", 1);
            ouverture.onsuccess = () => {
                const requete = ouverture.result.transaction("entrees")
                    .objectStore("entrees").getAll();
                requete.onsuccess = () => resolve(requete.result.length);
                requete.onerror = () => reject(requete.error);
            };
            ouverture.onerror = () => reject(ouverture.error);
        })"""
    )


def test_it_records_online_then_offline_and_sends_the_queue_back_online(
    telephone, diagnostic, coordinateur
):
    page = telephone
    log_in(page, coordinateur)
    ouvrir(page, diagnostic)
    assert page.get_by_role("heading", level=1).inner_text() == "Saisie sur le terrain"
    # One column on the phone: the form is no wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.wait_for_selector("#carte-saisie path", state="attached")
    assert_no_axe_violations(page)

    # 1. Online: an entry placed by tapping the map, sent at once.
    page.get_by_label("Catégorie").select_option(label="Éclairage public")
    page.get_by_label("Description").fill("Candélabre éteint devant l'école.")
    page.locator("#carte-saisie").tap()
    expect(page.locator("#position-choisie")).to_contain_text("Position choisie : latitude 43,")
    page.get_by_text("Haute", exact=True).tap()
    page.get_by_role("button", name="Enregistrer le signalement").tap()

    premier = page.locator("#saisies-liste li", has_text="Candélabre éteint devant l'école.")
    expect(premier.locator(".saisie__etat")).to_have_text(re.compile(r"Envoyé \(n° \d+\)"))
    enregistre = Signalement.objects.get(diagnostic=diagnostic)
    expect(premier.locator(".saisie__etat")).to_have_text(f"Envoyé (n° {enregistre.pk})")
    assert enregistre.source == SourceSignalement.DIAGNOSTIC
    assert enregistre.priorite == Priorite.HAUTE
    assert enregistre.adresse == ""
    assert LAT_MIN < enregistre.latitude < LAT_MAX
    assert LON_MIN < enregistre.longitude < LON_MAX
    # The form is empty again, ready for the next problem.
    expect(page.get_by_label("Description")).to_have_value("")
    expect(page.locator("#position-choisie")).to_have_text("Aucune position choisie.")

    # 2. Offline: an entry with a photo and a typed time stays on the phone.
    page.context.set_offline(True)
    constat = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    page.get_by_label("Catégorie").select_option(label="Encombrants")
    page.get_by_label("Description").fill("Matelas abandonné au pied de la tour B.")
    page.get_by_label("Adresse ou repère").fill("Tour B, entrée 3")
    page.get_by_label("Photo", exact=True).set_input_files(
        {"name": "matelas.jpg", "mimeType": "image/jpeg", "buffer": image_bytes(size=(80, 60))}
    )
    page.get_by_label("Constaté le").fill(constat.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Enregistrer le signalement").tap()

    etat = page.get_by_role("status").filter(has_text="Hors connexion")
    expect(etat).to_have_text("Hors connexion : 1 signalement en attente d'envoi.")
    second = page.locator("#saisies-liste li", has_text="Matelas abandonné")
    expect(second.locator(".saisie__etat")).to_have_text("En attente d'envoi")
    expect(second).to_contain_text("Tour B, entrée 3 · le ")
    expect(second).to_contain_text("· 1 photo")
    assert file_du_telephone(page) == 1
    assert Signalement.objects.filter(diagnostic=diagnostic).count() == 1
    assert_no_axe_violations(page)

    # 3. Back online: the queue leaves by itself, and empties.
    page.context.set_offline(False)
    expect(page.locator("#saisies-liste li[data-local]")).to_have_count(0)
    expect(second.locator(".saisie__etat")).to_have_text(re.compile(r"Envoyé \(n° \d+\)"))
    expect(page.locator("#saisie-etat")).to_have_text(
        "Signalement envoyé : tous les signalements saisis sont envoyés."
    )
    assert file_du_telephone(page) == 0

    signalements = Signalement.objects.filter(diagnostic=diagnostic).order_by("pk")
    assert signalements.count() == 2
    matelas = signalements.last()
    assert matelas.description == "Matelas abandonné au pied de la tour B."
    assert matelas.categorie.libelle == "Encombrants"
    assert matelas.adresse == "Tour B, entrée 3"
    assert matelas.latitude is None
    assert matelas.signale_le == constat
    expect(second.locator(".saisie__etat")).to_have_text(f"Envoyé (n° {matelas.pk})")
    photo = matelas.photos.get()
    with photo.fichier.open("rb") as fichier, Image.open(io.BytesIO(fichier.read())) as image:
        assert image.size == (80, 60)

    # 4. A reload sends nothing again: still 2, both listed as sent.
    ouvrir(page, diagnostic)
    expect(page.locator("#saisies-liste li")).to_have_count(2)
    expect(page.locator("#saisies-liste li[data-local]")).to_have_count(0)
    assert Signalement.objects.filter(diagnostic=diagnostic).count() == 2
    assert_no_axe_violations(page)


def test_an_entry_refused_by_the_server_is_corrected_on_the_phone(
    telephone, diagnostic, coordinateur
):
    page = telephone
    log_in(page, coordinateur)
    ouvrir(page, diagnostic)

    page.context.set_offline(True)
    page.get_by_label("Catégorie").select_option(label="Éclairage public")
    page.get_by_label("Description").fill("Lampadaire penché.")
    page.get_by_label("Adresse ou repère").fill("Allée des Tilleuls")
    page.get_by_role("button", name="Enregistrer le signalement").tap()
    expect(page.get_by_role("status")).to_have_text(
        "Hors connexion : 1 signalement en attente d'envoi."
    )
    # Meanwhile the coordination retires the category: the server refuses the entry.
    diagnostic.quartier.contrat.categories_gup.filter(code="eclairage").update(active=False)
    page.context.set_offline(False)

    entree = page.locator("#saisies-liste li[data-local]")
    expect(entree.locator(".saisie__etat")).to_have_text("À corriger")
    expect(entree).to_contain_text("Catégorie : Choisissez une catégorie de la liste.")
    # The form was empty: the refused entry opens in it, its error next to the field.
    expect(page.locator("#id_categorie_error")).to_have_text(
        "Choisissez une catégorie de la liste."
    )
    expect(page.get_by_label("Catégorie")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Description")).to_have_value("Lampadaire penché.")
    assert Signalement.objects.count() == 0
    assert file_du_telephone(page) == 1
    assert_no_axe_violations(page)

    page.get_by_label("Catégorie").select_option(label="Encombrants")
    page.get_by_role("button", name="Enregistrer le signalement").tap()

    expect(page.locator("#saisies-liste li[data-local]")).to_have_count(0)
    signalement = Signalement.objects.get()
    assert signalement.categorie.libelle == "Encombrants"
    assert signalement.description == "Lampadaire penché."
    assert file_du_telephone(page) == 0


def test_the_browser_checks_the_entry_before_keeping_it(telephone, diagnostic, coordinateur):
    page = telephone
    log_in(page, coordinateur)
    ouvrir(page, diagnostic)

    page.get_by_role("button", name="Enregistrer le signalement").tap()

    expect(page.get_by_role("alert")).to_contain_text("Le signalement contient des erreurs")
    expect(page.locator("#id_categorie_error")).to_have_text("Choisissez une catégorie.")
    expect(page.locator("#id_description_error")).to_have_text(
        "Décrivez le problème en quelques mots."
    )
    expect(page.locator("#id_adresse_error")).to_have_text(
        "Indiquez une adresse ou placez le problème sur la carte."
    )
    assert file_du_telephone(page) == 0
    assert Signalement.objects.count() == 0
    assert_no_axe_violations(page)

    # Without a pointer, Enter on the map places the problem at its centre.
    page.locator("#carte-saisie").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#position-choisie")).to_contain_text("Position choisie : latitude 43,")


def test_an_entry_kept_on_the_phone_leaves_when_the_page_opens_again(
    telephone, diagnostic, coordinateur
):
    page = telephone
    log_in(page, coordinateur)
    ouvrir(page, diagnostic)
    # The server is out of reach (the phone believes it is online).
    page.route("**/saisie/envoyer/", lambda route: route.abort())

    page.get_by_label("Catégorie").select_option(label="Encombrants")
    page.get_by_label("Description").fill("Carcasse de scooter.")
    page.get_by_role("button", name="Ma position").tap()
    expect(page.locator("#position-choisie")).to_have_text(
        "Position choisie : latitude 43,21010, longitude 2,37020."
    )
    page.get_by_role("button", name="Enregistrer le signalement").tap()

    expect(page.get_by_role("status")).to_have_text(
        "Hors connexion : 1 signalement en attente d'envoi."
    )
    assert file_du_telephone(page) == 1
    assert Signalement.objects.count() == 0

    page.unroute("**/saisie/envoyer/")
    ouvrir(page, diagnostic)

    entree = page.locator("#saisies-liste li", has_text="Carcasse de scooter.")
    expect(entree.locator(".saisie__etat")).to_have_text(re.compile(r"Envoyé \(n° \d+\)"))
    assert file_du_telephone(page) == 0
    signalement = Signalement.objects.get()
    assert (signalement.latitude, signalement.longitude) == (
        Decimal("43.210100"),
        Decimal("2.370200"),
    )


def test_the_server_shows_its_errors_next_to_the_fields_without_the_script(
    telephone, diagnostic, coordinateur
):
    page = telephone
    log_in(page, coordinateur)
    ouvrir(page, diagnostic)
    page.get_by_label("Description").fill("Tag sur le mur du gymnase.")

    # form.submit() skips the script's handler: the plain POST of a page without JavaScript.
    with page.expect_navigation():
        page.evaluate("document.getElementById('form-saisie').submit()")

    expect(page.get_by_role("alert")).to_contain_text("Le signalement contient des erreurs")
    expect(page.locator("#id_categorie_error")).to_have_text("Choisissez une catégorie.")
    expect(page.locator("#id_adresse_error")).to_have_text(
        "Indiquez une adresse ou placez le problème sur la carte."
    )
    expect(page.get_by_label("Description")).to_have_value("Tag sur le mur du gymnase.")
    assert Signalement.objects.count() == 0
    assert_no_axe_violations(page)
