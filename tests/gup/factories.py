"""Factories of the GUP's records."""

import datetime
import io

import factory
from factory.django import DjangoModelFactory
from PIL import Image

from gup import models
from gup.enums import SourceSignalement
from tests import factories
from tests.programmation.factories import QuartierFactory


def image_bytes(format_="JPEG", size=(64, 48), exif=None, color=(200, 80, 40)):
    """A real image file's bytes (optionally with EXIF data, a Pillow Image.Exif)."""
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(buffer, format=format_, **options)
    return buffer.getvalue()


class CategorieFactory(DjangoModelFactory):
    class Meta:
        model = models.CategorieSignalement
        django_get_or_create = ("contrat", "code")

    contrat = factory.SubFactory(factories.ContratFactory)
    code = factory.Sequence(lambda n: f"categorie-{n}")
    libelle = factory.Sequence(lambda n: f"Catégorie {n}")
    delai_cible_jours = 15


class DiagnosticFactory(DjangoModelFactory):
    class Meta:
        model = models.Diagnostic

    quartier = factory.SubFactory(QuartierFactory)
    date = datetime.date(2026, 4, 14)
    secteur = "Rue Buffon, place Ozanam"
    nb_habitants = 12


class SignalementFactory(DjangoModelFactory):
    """A problem of a quartier, in a category of the quartier's contract."""

    class Meta:
        model = models.Signalement

    quartier = factory.SubFactory(QuartierFactory)
    categorie = factory.LazyAttribute(lambda s: CategorieFactory(contrat=s.quartier.contrat))
    description = "Candélabre en panne devant le n° 12."
    adresse = "12 rue Buffon, Carcassonne"
    source = SourceSignalement.PARTENAIRE
    signale_le = factory.LazyFunction(
        lambda: datetime.datetime(2026, 4, 14, 10, 0, tzinfo=datetime.UTC)
    )
    echeance = factory.LazyAttribute(lambda s: s.signale_le.date() + datetime.timedelta(days=15))


class ConventionTFPBFactory(DjangoModelFactory):
    class Meta:
        model = models.ConventionTFPB

    contrat = factory.SubFactory(factories.ContratFactory)
    bailleur = factory.SubFactory(factories.OrganisationFactory, bailleur=True)
    annee_debut = 2024
    annee_fin = 2030


class ChantierFactory(DjangoModelFactory):
    class Meta:
        model = models.ChantierTremplin

    quartier = factory.SubFactory(QuartierFactory)
    annee = 2026
    intitule = factory.Sequence(lambda n: f"Chantier tremplin {n}")
    operateur = factory.SubFactory(factories.OrganisationFactory, nom="Régie de quartier")
    participants = 8
    femmes = 3
    hommes = 5
