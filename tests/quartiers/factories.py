"""Factories of the quartiers' territories, indicators and values."""

import factory
from factory.django import DjangoModelFactory

from quartiers.enums import Sens, SourceIndicateur, TerritoireKind, Theme, Unite
from quartiers.models import Indicateur, Territoire, ValeurIndicateur


class TerritoireFactory(DjangoModelFactory):
    class Meta:
        model = Territoire
        django_get_or_create = ("kind", "code")

    kind = TerritoireKind.COMMUNE
    code = factory.Sequence(lambda n: f"{11000 + n:05d}")
    nom = factory.Sequence(lambda n: f"Commune {n}")


class IndicateurFactory(DjangoModelFactory):
    class Meta:
        model = Indicateur
        django_get_or_create = ("code",)

    code = "taux_pauvrete"
    libelle = "Taux de pauvreté"
    unite = Unite.POURCENTAGE
    theme = Theme.REVENUS
    source = SourceIndicateur.FILOSOFI
    sens = Sens.BAISSE


class ValeurFactory(DjangoModelFactory):
    class Meta:
        model = ValeurIndicateur

    territoire = factory.SubFactory(TerritoireFactory)
    indicateur = factory.SubFactory(IndicateurFactory)
    millesime = 2019
    valeur = 10
