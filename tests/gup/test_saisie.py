"""The capture of a diagnostic en marchant: the page, the JSON endpoint the phone's script
sends each entry to (idempotent on the entry's uuid), the same form without JavaScript,
errors in French with nothing written, photos stored without EXIF, and who may use it."""

import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cdv.enums import RoleCode
from gup.enums import EtatSignalement, Priorite, SourceSignalement
from gup.models import EvenementSignalement, PhotoSignalement, Signalement
from tests import factories
from tests.gup.factories import (
    CategorieFactory,
    DiagnosticFactory,
    SignalementFactory,
    image_bytes,
)
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
PARIS = datetime.timezone(datetime.timedelta(hours=1))  # winter time, as in the data below


@pytest.fixture
def quartier(contrat):
    return QuartierFactory(contrat=contrat, nom="La Conte")


@pytest.fixture
def diagnostic(quartier, bailleur):
    diagnostic = DiagnosticFactory(quartier=quartier, secteur="Rue Buffon, place Ozanam")
    diagnostic.participants.add(bailleur)
    return diagnostic


@pytest.fixture
def eclairage(contrat, intervenant_ville):
    return CategorieFactory(
        contrat=contrat, code="eclairage", libelle="Éclairage public", delai_cible_jours=15,
        organisation_responsable=intervenant_ville.organisation, ordre=1,
    )  # fmt: skip


@pytest.fixture
def encombrants(contrat):
    return CategorieFactory(
        contrat=contrat, code="encombrants", libelle="Encombrants", delai_cible_jours=7, ordre=2
    )


def _url(diagnostic, name="gup:saisie_envoyer"):
    return reverse(name, args=[diagnostic.pk])


def _il_y_a(**delta):
    """A moment in the past, to the second, as the phone's script sends it (ISO 8601)."""
    return (timezone.now() - datetime.timedelta(**delta)).replace(microsecond=0)


def _entree(categorie_, **champs):
    data = {
        "client_uuid": str(uuid.uuid4()),
        "categorie": categorie_.pk,
        "description": "Candélabre en panne devant le n° 12.",
        "adresse": "",
        "latitude": "43.2123456",
        "longitude": "2.3712344",
        "priorite": Priorite.HAUTE,
        "signale_le": _il_y_a(minutes=20).astimezone(PARIS).isoformat(),
    }
    data.update(champs)
    return data


def _rien_ecrit():
    assert Signalement.objects.count() == 0
    assert EvenementSignalement.objects.count() == 0
    assert PhotoSignalement.objects.count() == 0


def test_it_shows_the_capture_form_and_what_this_walk_recorded(
    client, coordinateur_gup, diagnostic, eclairage, encombrants, contrat
):
    CategorieFactory(contrat=contrat, code="ancienne", libelle="Ancienne catégorie", active=False)
    CategorieFactory(libelle="Catégorie d'un autre contrat")
    SignalementFactory(
        quartier=diagnostic.quartier, diagnostic=diagnostic, categorie=encombrants,
        description="Matelas abandonné au pied de la tour B.", adresse="Tour B",
    )  # fmt: skip
    SignalementFactory(
        quartier=diagnostic.quartier, categorie=eclairage, description="Hors de ce parcours."
    )
    client.force_login(coordinateur_gup)

    response = client.get(_url(diagnostic, "gup:saisie"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Diagnostic en marchant du 14/04/2026 — La Conte" in html
    form = response.context["form"]
    assert list(form.fields["categorie"].queryset) == [eclairage, encombrants]
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert 'type="datetime-local"' in html
    assert "Saisis sur ce parcours" in html
    assert [s.description for s in response.context["signalements"]] == [
        "Matelas abandonné au pied de la tour B."
    ]
    assert "Envoyé (n° " in html and "Hors de ce parcours." not in html
    # The perimeter (none here) and the walk's points (none placed) go to the map's script.
    assert response.context["perimetres"] == {"type": "FeatureCollection", "features": []}
    assert response.context["points"] == []


def test_it_records_an_entry_sent_by_the_phone(
    client, coordinateur_gup, diagnostic, eclairage, intervenant_ville
):
    client.force_login(coordinateur_gup)
    signale_le = _il_y_a(hours=2)
    data = _entree(eclairage, signale_le=signale_le.astimezone(PARIS).isoformat())

    response = client.post(_url(diagnostic), data)

    assert response.status_code == 201
    signalement = Signalement.objects.get()
    assert response.json() == {
        "id": signalement.pk,
        "client_uuid": data["client_uuid"],
        "statut": "cree",
        "categorie": "Éclairage public",
        "message": f"Signalement n° {signalement.pk} enregistré.",
    }
    assert signalement.diagnostic == diagnostic
    assert signalement.quartier == diagnostic.quartier
    assert signalement.source == SourceSignalement.DIAGNOSTIC
    assert signalement.etat == EtatSignalement.NOUVEAU
    assert signalement.auteur == coordinateur_gup
    assert signalement.priorite == Priorite.HAUTE
    assert signalement.signale_le == signale_le
    assert str(signalement.client_uuid) == data["client_uuid"]
    # Rounded to the micro-degree (about 10 cm), as the model stores it.
    assert signalement.latitude == Decimal("43.212346")
    assert signalement.longitude == Decimal("2.371234")
    # Routed to the category's body, due after its 15 days from the typed day.
    assert signalement.organisation_responsable == intervenant_ville.organisation
    assert signalement.echeance == timezone.localdate(signale_le) + datetime.timedelta(days=15)
    assert list(signalement.evenements.values_list("code", flat=True)) == ["creation"]


def test_an_address_is_enough_without_a_position(client, coordinateur_gup, diagnostic, eclairage):
    client.force_login(coordinateur_gup)
    data = _entree(eclairage, latitude="", longitude="", adresse="12 rue Buffon")

    assert client.post(_url(diagnostic), data).status_code == 201

    signalement = Signalement.objects.get()
    assert signalement.adresse == "12 rue Buffon"
    assert signalement.latitude is None and signalement.longitude is None


def test_an_entry_sent_twice_is_recorded_once(client, coordinateur_gup, diagnostic, eclairage):
    client.force_login(coordinateur_gup)
    data = _entree(eclairage)

    premier = client.post(_url(diagnostic), data)
    # The phone did not get the answer and sends the same entry again.
    second = client.post(_url(diagnostic), {**data, "description": "Renvoi"})

    assert premier.status_code == 201
    assert second.status_code == 200
    assert second.json()["id"] == premier.json()["id"]
    assert second.json()["statut"] == "deja_recu"
    assert Signalement.objects.get().description == "Candélabre en panne devant le n° 12."
    assert EvenementSignalement.objects.count() == 1


def test_an_entry_already_received_is_acknowledged_even_if_now_invalid(
    client, coordinateur_gup, diagnostic, eclairage
):
    """Its category was retired since: the phone must still be able to empty its queue."""
    client.force_login(coordinateur_gup)
    data = _entree(eclairage)
    client.post(_url(diagnostic), data)
    eclairage.active = False
    eclairage.save()

    response = client.post(_url(diagnostic), data)

    assert response.status_code == 200
    assert Signalement.objects.count() == 1


@pytest.mark.parametrize(
    ("champs", "erreurs"),
    [
        (
            {"categorie": "", "description": "  "},
            {
                "categorie": ["Choisissez une catégorie."],
                "description": ["Décrivez le problème en quelques mots."],
            },
        ),
        (
            {"latitude": "", "longitude": "", "adresse": ""},
            {"adresse": ["Indiquez une adresse ou placez le problème sur la carte."]},
        ),
        (
            {"longitude": ""},
            {"latitude": ["Position incomplète : touchez de nouveau la carte."]},
        ),
        (
            {"latitude": "95"},
            {"latitude": ["Assurez-vous que cette valeur est inférieure ou égale à 90."]},
        ),
        (
            {"signale_le": "hier"},
            {"signale_le": ["Date et heure invalides : utilisez le format 25/11/2026 14:30."]},
        ),
        (
            {"signale_le": ""},
            {"signale_le": ["Indiquez la date et l'heure du constat."]},
        ),
        (
            {"priorite": "tres_haute"},
            {"priorite": ["Choisissez une priorité de la liste."]},
        ),
        (
            {"client_uuid": "pas-un-uuid"},
            {"client_uuid": ["Identifiant de saisie invalide : rechargez la page."]},
        ),
    ],
    ids=["vide", "ni-adresse-ni-position", "position-incomplete", "latitude", "date", "sans-date",
         "priorite", "uuid"],
)  # fmt: skip
def test_bad_input_is_refused_in_french_with_nothing_written(
    client, coordinateur_gup, diagnostic, eclairage, champs, erreurs
):
    client.force_login(coordinateur_gup)

    response = client.post(_url(diagnostic), _entree(eclairage, **champs))

    assert response.status_code == 400
    assert response.json() == {
        "message": "Le signalement contient des erreurs : corrigez-les.",
        "errors": erreurs,
    }
    _rien_ecrit()


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (
            datetime.timedelta(hours=-1),
            "La date du constat est dans le futur : vérifiez l'heure.",
        ),
        (
            datetime.timedelta(days=31),
            "La date du constat remonte à plus de 30 jours : ce signalement ne peut plus être "
            "rattaché à ce diagnostic.",
        ),
    ],
    ids=["futur", "trop-ancien"],
)
def test_the_typed_time_is_neither_in_the_future_nor_over_30_days_old(
    client, coordinateur_gup, diagnostic, eclairage, moment, message
):
    client.force_login(coordinateur_gup)
    signale_le = (timezone.now() - moment).isoformat()

    response = client.post(_url(diagnostic), _entree(eclairage, signale_le=signale_le))

    assert response.status_code == 400
    assert response.json()["errors"] == {"signale_le": [message]}
    _rien_ecrit()


def test_a_time_29_days_old_is_accepted(client, coordinateur_gup, diagnostic, eclairage):
    client.force_login(coordinateur_gup)
    signale_le = _il_y_a(days=29)

    response = client.post(_url(diagnostic), _entree(eclairage, signale_le=signale_le.isoformat()))

    assert response.status_code == 201
    assert Signalement.objects.get().signale_le == signale_le


def test_a_category_of_another_contract_or_retired_is_refused(
    client, coordinateur_gup, diagnostic, contrat
):
    client.force_login(coordinateur_gup)
    for categorie in (
        CategorieFactory(libelle="Autre contrat"),
        CategorieFactory(contrat=contrat, code="retiree", active=False),
    ):
        response = client.post(_url(diagnostic), _entree(categorie))
        assert response.status_code == 400
        assert response.json()["errors"] == {"categorie": ["Choisissez une catégorie de la liste."]}
    _rien_ecrit()


def test_a_file_that_is_not_a_photo_is_refused_with_nothing_written(
    client, coordinateur_gup, diagnostic, eclairage
):
    client.force_login(coordinateur_gup)
    faux = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 pas une image", content_type="image/jpeg")

    response = client.post(_url(diagnostic), {**_entree(eclairage), "photo": faux})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "photo": ["Ce fichier n'est pas une photo (JPEG, PNG ou WebP)."]
    }
    _rien_ecrit()


def test_a_photo_is_stored_without_its_exif_data(client, coordinateur_gup, diagnostic, eclairage):
    exif = Image.Exif()
    exif[0x010F] = "Fabricant ACME"  # Make
    exif[0x0110] = "Modele 12"  # Model
    contenu = image_bytes(exif=exif)
    with Image.open(io.BytesIO(contenu)) as original:
        assert original.getexif()[0x010F] == "Fabricant ACME"
    client.force_login(coordinateur_gup)
    photo = SimpleUploadedFile("IMG_0042.jpg", contenu, content_type="image/jpeg")

    response = client.post(_url(diagnostic), {**_entree(eclairage), "photo": photo})

    assert response.status_code == 201
    stockee = PhotoSignalement.objects.get()
    assert stockee.signalement_id == response.json()["id"]
    assert stockee.type_mime == "image/jpeg"
    with stockee.fichier.open("rb") as fichier, Image.open(fichier) as image:
        assert image.format == "JPEG"
        assert image.size == (64, 48)
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info


@pytest.fixture
def intervenant_participant(bailleur):
    """An agent of the landlord, which takes part in the walk: it sees it, but does not
    organise it."""
    return factories.UserFactory(
        email="gardien@habitat-audois.fr", organisation=bailleur, roles=[RoleCode.INTERVENANT_GUP]
    )


@pytest.mark.parametrize(
    ("persona", "statut"),
    [
        ("lecteur", 403),
        ("agent_agglo", 403),
        ("intervenant_participant", 403),
        ("intervenant_ville", 404),
        ("agent_autre_contrat", 404),
        ("porteur", 404),
    ],
)
def test_only_the_coordination_of_the_contract_records_problems(
    client, request, diagnostic, eclairage, persona, statut
):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(_url(diagnostic, "gup:saisie"))
    envoi = client.post(_url(diagnostic), _entree(eclairage))
    sans_js = client.post(_url(diagnostic, "gup:saisie"), _entree(eclairage))

    assert (page.status_code, envoi.status_code, sans_js.status_code) == (statut,) * 3
    _rien_ecrit()


def test_a_coordinator_of_another_contract_gets_a_404(client, autre_contrat, diagnostic, eclairage):
    ailleurs = factories.UserFactory(roles=[RoleCode.COORDINATEUR_GUP], contrats=[autre_contrat])
    client.force_login(ailleurs)

    assert client.get(_url(diagnostic, "gup:saisie")).status_code == 404
    assert client.post(_url(diagnostic), _entree(eclairage)).status_code == 404
    _rien_ecrit()


def test_the_endpoint_only_takes_posts(client, coordinateur_gup, diagnostic):
    client.force_login(coordinateur_gup)

    assert client.get(_url(diagnostic)).status_code == 405


def test_a_uuid_of_another_walk_is_not_reused(
    client, coordinateur_gup, diagnostic, eclairage, quartier
):
    autre = DiagnosticFactory(quartier=quartier)
    client.force_login(coordinateur_gup)
    data = _entree(eclairage)
    client.post(_url(autre), data)

    response = client.post(_url(diagnostic), data)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "__all__": ["Cette saisie a déjà servi ailleurs : saisissez-la de nouveau."]
    }
    assert Signalement.objects.get().diagnostic == autre


# --- Without JavaScript: the same form by a plain POST --------------------------------


def test_without_javascript_the_form_records_and_comes_back_empty(
    client, coordinateur_gup, diagnostic, eclairage
):
    client.force_login(coordinateur_gup)
    data = _entree(
        eclairage, latitude="", longitude="", adresse="Place Ozanam",
        signale_le=timezone.localtime(_il_y_a(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
    )  # fmt: skip

    response = client.post(_url(diagnostic, "gup:saisie"), data, follow=True)

    signalement = Signalement.objects.get()
    assert response.redirect_chain == [(_url(diagnostic, "gup:saisie"), 302)]
    assert f"Signalement n° {signalement.pk} enregistré (Éclairage public)." in (
        response.content.decode()
    )
    assert signalement.adresse == "Place Ozanam"
    # The local time typed in the form, read in the platform's time zone (to the minute).
    assert (
        timezone.localtime(signalement.signale_le).strftime("%Y-%m-%dT%H:%M")
        == (data["signale_le"])
    )
    # A new entry gets a new uuid; sending the page twice records the problem once.
    assert response.context["form"]["client_uuid"].value() != data["client_uuid"]
    client.post(_url(diagnostic, "gup:saisie"), data)
    assert Signalement.objects.count() == 1


def test_without_javascript_errors_are_shown_next_to_the_fields(
    client, coordinateur_gup, diagnostic, eclairage
):
    client.force_login(coordinateur_gup)
    data = _entree(eclairage, description="", latitude="", longitude="", adresse="")

    response = client.post(_url(diagnostic, "gup:saisie"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<div class="error" id="id_description_error"><p>Décrivez le problème en quelques '
        "mots.</p></div>" in html
    )
    assert (
        '<div class="error" id="id_adresse_error"><p>Indiquez une adresse ou placez le '
        "problème sur la carte.</p></div>" in html
    )
    assert 'aria-describedby="id_adresse_helptext id_adresse_error"' in html
    assert '<a href="#id_description">Description : Décrivez le problème' in html
    # What was typed is kept, the entry keeps its uuid.
    assert response.context["form"]["client_uuid"].value() == data["client_uuid"]
    _rien_ecrit()


def test_the_page_reads_a_constant_number_of_queries(
    client, coordinateur_gup, diagnostic, eclairage, django_assert_num_queries
):
    client.force_login(coordinateur_gup)
    SignalementFactory(quartier=diagnostic.quartier, diagnostic=diagnostic, categorie=eclairage)
    client.get(_url(diagnostic, "gup:saisie"))  # warms the session and the contract
    for _ in range(3):
        SignalementFactory(
            quartier=diagnostic.quartier, diagnostic=diagnostic, categorie=eclairage,
            latitude=Decimal("43.21"), longitude=Decimal("2.37"),
        )  # fmt: skip
    # session, user, the user's roles, the walk with its quartier and contract, "follows
    # the contract?" (the rule), the walk's problems with their photo counts, the current
    # contract, the contracts of the switcher, the user's organisation (header), the
    # categories of the select.
    with django_assert_num_queries(10):
        response = client.get(_url(diagnostic, "gup:saisie"))
    assert len(response.context["signalements"]) == 4
    assert len(response.context["points"]) == 3
