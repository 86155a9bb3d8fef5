"""The signalement's workflow: every step × state × role against the table, the dates it
stamps, the history it writes, creation (idempotent for offline entries) and photos."""

import datetime
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from gup import perms, services
from gup.enums import ETATS_CLOS, TRANSITIONS, EtatSignalement, SourceSignalement
from gup.models import EvenementSignalement, Signalement
from tests import factories
from tests.gup.factories import CategorieFactory, SignalementFactory, image_bytes
from tests.programmation.factories import QuartierFactory

pytestmark = pytest.mark.django_db
E = EtatSignalement


@pytest.fixture
def quartier(contrat):
    return QuartierFactory(contrat=contrat, nom="La Conte")


@pytest.fixture
def eclairage(contrat, intervenant_ville):
    return CategorieFactory(
        contrat=contrat, code="eclairage", libelle="Éclairage public", delai_cible_jours=15,
        organisation_responsable=intervenant_ville.organisation,
    )  # fmt: skip


@pytest.fixture
def probleme(quartier, contrat, bailleur):
    """A problem of the landlord's common areas, just recorded."""
    categorie = CategorieFactory(contrat=contrat, code="parties_communes")
    return SignalementFactory(
        quartier=quartier, categorie=categorie, organisation_responsable=bailleur
    )


def avancer(signalement, user, *codes, **options):
    for code in codes:
        services.signalement_transition(signalement=signalement, user=user, code=code, **options)
    return signalement


def test_the_landlord_solves_what_the_coordination_transmitted(
    probleme, coordinateur_gup, intervenant_gup
):
    avancer(probleme, coordinateur_gup, "transmettre")
    assert probleme.etat == E.TRANSMIS and probleme.transmis_le is not None
    avancer(probleme, intervenant_gup, "prendre_en_charge", "demarrer", "resoudre")

    assert probleme.etat == E.RESOLU
    assert probleme.resolu_le is not None and probleme.clos_le == probleme.resolu_le
    history = list(probleme.evenements.values_list("code", "etat_avant", "etat_apres"))
    assert (
        history
        == [
            ("creation", "", E.NOUVEAU),
            ("transmettre", E.NOUVEAU, E.TRANSMIS),
            ("prendre_en_charge", E.TRANSMIS, E.PRIS_EN_CHARGE),
            ("demarrer", E.PRIS_EN_CHARGE, E.EN_COURS),
            ("resoudre", E.EN_COURS, E.RESOLU),
        ][1:]
    )  # the factory created the row without the service: no "creation" line
    assert probleme.version == 5


def test_another_body_neither_sees_nor_acts_on_it(probleme, coordinateur_gup, intervenant_ville):
    avancer(probleme, coordinateur_gup, "transmettre")
    assert not Signalement.objects.for_user(intervenant_ville).filter(pk=probleme.pk).exists()
    with pytest.raises(PermissionDenied):
        avancer(probleme, intervenant_ville, "prendre_en_charge")
    probleme.refresh_from_db()
    assert probleme.etat == E.TRANSMIS


def test_out_of_its_remit_it_goes_back_to_the_coordination_and_to_another_body(
    probleme, coordinateur_gup, intervenant_gup, intervenant_ville
):
    avancer(probleme, coordinateur_gup, "transmettre")
    with pytest.raises(ValidationError) as error:
        avancer(probleme, intervenant_gup, "hors_competence")
    assert "commentaire" in error.value.message_dict
    avancer(probleme, intervenant_gup, "hors_competence", commentaire="Voirie communale.")
    with pytest.raises(ValidationError) as error:
        avancer(
            probleme,
            coordinateur_gup,
            "reattribuer",
            organisation=probleme.organisation_responsable,
        )
    assert "organisation" in error.value.message_dict

    avancer(probleme, coordinateur_gup, "reattribuer", organisation=intervenant_ville.organisation)

    assert probleme.etat == E.TRANSMIS
    assert probleme.organisation_responsable == intervenant_ville.organisation
    assert Signalement.objects.for_user(intervenant_ville).filter(pk=probleme.pk).exists()
    assert not Signalement.objects.for_user(intervenant_gup).filter(pk=probleme.pk).exists()
    dernier = probleme.evenements.last()
    assert dernier.organisation == intervenant_ville.organisation


def test_a_duplicate_points_to_its_original_of_the_same_contract(
    probleme, quartier, coordinateur_gup, autre_contrat
):
    original = SignalementFactory(quartier=quartier, categorie=probleme.categorie)
    ailleurs = SignalementFactory(quartier=QuartierFactory(contrat=autre_contrat))
    with pytest.raises(ValidationError) as error:
        avancer(probleme, coordinateur_gup, "marquer_doublon", original=ailleurs)
    assert "original" in error.value.message_dict

    avancer(probleme, coordinateur_gup, "marquer_doublon", original=original)

    assert probleme.etat == E.DOUBLON and probleme.original == original
    assert probleme.clos_le is not None and not probleme.ouvert


def test_reopening_clears_the_resolution(probleme, coordinateur_gup):
    avancer(probleme, coordinateur_gup, "transmettre", "resoudre")
    avancer(probleme, coordinateur_gup, "rouvrir", commentaire="Toujours en panne.")
    assert probleme.etat == E.TRANSMIS
    assert probleme.resolu_le is None and probleme.clos_le is None


def test_a_stale_version_is_refused(probleme, coordinateur_gup):
    vue = probleme.version
    avancer(probleme, coordinateur_gup, "transmettre")
    with pytest.raises(ValidationError) as error:
        avancer(probleme, coordinateur_gup, "clore_sans_suite", commentaire="x", version=vue)
    assert "version" in error.value.message_dict


@pytest.mark.parametrize("etat", list(E))
@pytest.mark.parametrize("code", list(TRANSITIONS))
def test_every_step_in_every_state_for_every_role_follows_the_table(
    probleme, coordinateur_gup, intervenant_gup, intervenant_ville, lecteur, agent_agglo,
    agent_autre_contrat, etat, code,
):  # fmt: skip
    Signalement.objects.filter(pk=probleme.pk).update(etat=etat)
    probleme.refresh_from_db()
    transition = TRANSITIONS[code]
    possible = etat in transition.sources
    attendu = {
        coordinateur_gup: possible and "coordination" in transition.acteurs,
        intervenant_gup: possible and "responsable" in transition.acteurs,
        intervenant_ville: False,
        lecteur: False,
        agent_agglo: False,
        agent_autre_contrat: False,
    }
    for user, expected in attendu.items():
        assert perms.can_transition(user, probleme, code) is expected, (user.email, code, etat)


def test_the_closed_states_are_those_no_step_leaves_but_reopening():
    for code, transition in TRANSITIONS.items():
        if transition.sources & ETATS_CLOS:
            assert code == "rouvrir"


# Creation --------------------------------------------------------------------------------


def test_a_new_problem_goes_to_its_categorys_body_due_after_its_target(
    quartier, eclairage, coordinateur_gup, intervenant_ville
):
    quand = datetime.datetime(2026, 4, 14, 9, 30, tzinfo=datetime.UTC)
    signalement, created = services.signalement_create(
        quartier=quartier, categorie=eclairage, description="Candélabre éteint",
        adresse="Rue Buffon", source=SourceSignalement.DIAGNOSTIC, auteur=coordinateur_gup,
        signale_le=quand,
    )  # fmt: skip

    assert created and signalement.etat == E.NOUVEAU
    assert signalement.organisation_responsable == intervenant_ville.organisation
    assert signalement.echeance == datetime.date(2026, 4, 29)  # 14 April + 15 days
    assert signalement.evenements.get().code == "creation"


def test_an_entry_sent_twice_is_kept_once(quartier, eclairage, coordinateur_gup):
    cle = uuid.uuid4()
    options = {
        "quartier": quartier, "categorie": eclairage, "description": "Tags", "adresse": "Parc",
        "source": SourceSignalement.DIAGNOSTIC, "auteur": coordinateur_gup, "client_uuid": cle,
    }  # fmt: skip
    premier, created = services.signalement_create(**options)
    second, created_again = services.signalement_create(**options)

    assert created and not created_again and premier == second
    assert Signalement.objects.count() == 1


def test_a_problem_needs_a_place_and_a_category_of_its_contract(
    quartier, coordinateur_gup, autre_contrat
):
    with pytest.raises(ValidationError) as error:
        services.signalement_create(
            quartier=quartier, categorie=CategorieFactory(contrat=autre_contrat),
            description="x", source=SourceSignalement.PARTENAIRE,
        )  # fmt: skip
    assert set(error.value.message_dict) == {"categorie", "adresse"}
    assert not Signalement.objects.exists()


def test_history_is_append_only(probleme, coordinateur_gup):
    avancer(probleme, coordinateur_gup, "transmettre")
    evenement = EvenementSignalement.objects.get()
    evenement.commentaire = "réécrit"
    with pytest.raises(ValidationError):
        evenement.save()
    with pytest.raises(ValidationError):
        evenement.delete()


# Photos ----------------------------------------------------------------------------------


def _exif_avec_position():
    exif = Image.Exif()
    exif[0x010F] = "Appareil"  # Make
    exif[0x8825] = {2: (43.0, 12.0, 30.0), 1: "N"}  # GPS IFD
    return exif


def test_a_photo_is_stored_without_its_exif_location(probleme, coordinateur_gup):
    avancer(probleme, coordinateur_gup, "transmettre")
    contenu = image_bytes(exif=_exif_avec_position())
    assert b"Appareil" in contenu

    services.signalement_comment(
        signalement=probleme, user=coordinateur_gup, commentaire="Photo du candélabre",
        photo=SimpleUploadedFile("IMG_0001.JPG", contenu, content_type="image/jpeg"),
    )  # fmt: skip

    photo = probleme.photos.get()
    data = photo.fichier.read()
    assert photo.type_mime == "image/jpeg" and photo.fichier.name.endswith(".jpg")
    assert b"Appareil" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif() and image.size == (64, 48)


@pytest.mark.parametrize(
    "contenu",
    [b"%PDF-1.4 not an image", b"GIF89a" + b"\0" * 20, image_bytes(format_="GIF")],
    ids=["pdf", "faux-gif", "gif"],
)
def test_anything_but_a_photo_is_refused_with_nothing_written(probleme, coordinateur_gup, contenu):
    avancer(probleme, coordinateur_gup, "transmettre")
    with pytest.raises(ValidationError) as error:
        services.signalement_comment(
            signalement=probleme, user=coordinateur_gup, commentaire="x",
            photo=SimpleUploadedFile("photo.jpg", contenu, content_type="image/jpeg"),
        )  # fmt: skip
    assert error.value.message_dict["photo"] == [
        "Ce fichier n'est pas une photo (JPEG, PNG ou WebP)."
    ]
    assert not probleme.photos.exists()
    assert probleme.evenements.filter(code="commentaire").count() == 0


@override_settings(GUP_PHOTO_TAILLE_MAX=1024 * 1024)
def test_an_oversized_photo_is_refused(probleme, coordinateur_gup):
    avancer(probleme, coordinateur_gup, "transmettre")
    gros = SimpleUploadedFile("photo.jpg", b"\xff\xd8" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as error:
        services.signalement_comment(
            signalement=probleme, user=coordinateur_gup, commentaire="x", photo=gros
        )
    assert "1 Mo" in error.value.message_dict["photo"][0]


def test_users_outside_see_nothing(probleme, contrat, agent_autre_contrat, porteur):
    sans_role = factories.UserFactory(contrats=[contrat])
    for user in (agent_autre_contrat, porteur, sans_role):
        assert not Signalement.objects.for_user(user).exists()
