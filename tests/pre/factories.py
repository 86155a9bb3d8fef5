"""Factories of the PRE's records (fictitious children)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from pre import models
from pre.enums import KindReperant, Sexe
from tests import factories


class EnfantFactory(DjangoModelFactory):
    class Meta:
        model = models.Enfant

    contrat = factory.SubFactory(factories.ContratFactory)
    nom = factory.Sequence(lambda n: f"Durandal{n}")
    prenom = "Léa"
    date_naissance = datetime.date(2015, 3, 14)
    sexe = Sexe.FILLE


class ReperageFactory(DjangoModelFactory):
    class Meta:
        model = models.Reperage

    enfant = factory.SubFactory(EnfantFactory)
    date = datetime.date(2026, 9, 20)
    reperant = KindReperant.EDUCATION_NATIONALE
    motifs = ["resultats_scolaires"]


class EquipeFactory(DjangoModelFactory):
    class Meta:
        model = models.EquipeEPS
        skip_postgeneration_save = True

    contrat = factory.SubFactory(factories.ContratFactory)
    nom = "Ouest"

    @factory.post_generation
    def membres(self, create, extracted, **kwargs):
        if create and extracted:
            self.membres.set(extracted)


class CommissionFactory(DjangoModelFactory):
    class Meta:
        model = models.CommissionEPS

    equipe = factory.SubFactory(EquipeFactory)
    date = datetime.date(2026, 10, 8)
