"""Factories of the pathways, their actions and the PRE's price grid (fictitious data)."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from pre import models
from pre.enums import AxeParcours, EtatParcours
from tests.pre.factories import EnfantFactory


class ParcoursFactory(DjangoModelFactory):
    class Meta:
        model = models.Parcours

    enfant = factory.SubFactory(EnfantFactory)
    etat = EtatParcours.ACTIF
    date_inscription = datetime.date(2026, 1, 5)
    date_entree = datetime.date(2026, 1, 10)
    axes = [AxeParcours.SCOLARITE]

    class Params:
        en_attente = factory.Trait(etat=EtatParcours.EN_ATTENTE, date_entree=None)


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = models.ActionParcours

    parcours = factory.SubFactory(ParcoursFactory)
    axe = AxeParcours.SCOLARITE
    intitule = "Soutien scolaire"
    date = datetime.date(2026, 3, 2)
    cout = Decimal("100.00")
    part_famille = Decimal("0.00")
    part_pre = Decimal("100.00")


def grille_standard(contrat):
    """0–400 €: 0 %; 401–800 €: 10 %; 801 € and more: 25 %."""
    for qf_min, qf_max, part in [(0, 400, 0), (401, 800, 10), (801, None, 25)]:
        models.TrancheTarifaire.objects.create(
            contrat=contrat, qf_min=qf_min, qf_max=qf_max, part_famille=Decimal(part)
        )
    return list(models.TrancheTarifaire.objects.filter(contrat=contrat))
