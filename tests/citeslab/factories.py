"""Factories of CitésLab's records (fictitious people and businesses).

Projects are built at a given stage directly (no history rows): tests of the stages go
through citeslab.services, which writes the history."""

import datetime

import factory
from factory.django import DjangoModelFactory

from citeslab import models
from citeslab.enums import (
    CanalEntree,
    Etape,
    FormeJuridique,
    KindEvenement,
    KindRencontre,
    PartenaireKind,
    SecteurActivite,
    Sexe,
    StatutEmploi,
)
from quartiers.enums import QuartierKind
from tests import factories
from tests.programmation.factories import QuartierFactory


class BeneficiaireFactory(DjangoModelFactory):
    class Meta:
        model = models.Beneficiaire

    contrat = factory.SubFactory(factories.ContratFactory)
    nom = factory.Sequence(lambda n: f"Benali{n}")
    prenom = "Samira"
    telephone = "06 12 34 56 78"
    email = factory.Sequence(lambda n: f"samira{n}@exemple.fr")
    sexe = Sexe.FEMME
    annee_naissance = 1990
    commune = "Carcassonne"
    statut_emploi = StatutEmploi.DEMANDEUR_EMPLOI
    canal_entree = CanalEntree.PERMANENCE
    date_premier_contact = datetime.date(2021, 3, 2)
    consentement = True
    date_consentement = datetime.date(2021, 3, 2)

    class Params:
        homme = factory.Trait(sexe=Sexe.HOMME, prenom="Karim")
        en_qpv = factory.Trait(
            quartier=factory.SubFactory(
                QuartierFactory, contrat=factory.SelfAttribute("..contrat"), kind=QuartierKind.QPV
            )
        )
        en_qva = factory.Trait(
            quartier=factory.SubFactory(
                QuartierFactory,
                contrat=factory.SelfAttribute("..contrat"),
                kind=QuartierKind.QVA,
                code="",
            )
        )
        hors_commune = factory.Trait(commune="Trèbes")


class RencontreFactory(DjangoModelFactory):
    class Meta:
        model = models.Rencontre
        skip_postgeneration_save = True

    contrat = factory.SubFactory(factories.ContratFactory)
    date = datetime.date(2021, 3, 9)
    kind = KindRencontre.ENTRETIEN_INDIVIDUEL
    duree_minutes = 60
    lieu = "Maison des services de La Conte"
    notes = "Premier échange sur le projet."

    class Params:
        permanence = factory.Trait(
            kind=KindRencontre.PERMANENCE, lieu="Centre social Saint-Jacques"
        )
        information_collective = factory.Trait(
            kind=KindRencontre.INFORMATION_COLLECTIVE, duree_minutes=120
        )

    @factory.post_generation
    def beneficiaires(self, create, extracted, **kwargs):
        if create and extracted:
            self.beneficiaires.set(extracted)


class ProjetFactory(DjangoModelFactory):
    class Meta:
        model = models.ProjetCreation

    beneficiaire = factory.SubFactory(BeneficiaireFactory)
    idee = "Épicerie fine de produits audois"
    secteur = SecteurActivite.COMMERCE
    etape = Etape.SENSIBILISE
    date_etape = datetime.date(2021, 3, 9)

    class Params:
        amorcage = factory.Trait(etape=Etape.AMORCAGE)
        accompagne = factory.Trait(etape=Etape.ACCOMPAGNE)
        oriente = factory.Trait(etape=Etape.ORIENTE)
        cree = factory.Trait(etape=Etape.CREE, date_etape=datetime.date(2021, 9, 1))
        abandonne = factory.Trait(etape=Etape.ABANDONNE)


class OrientationFactory(DjangoModelFactory):
    class Meta:
        model = models.Orientation

    projet = factory.SubFactory(ProjetFactory, oriente=True)
    partenaire = PartenaireKind.ADIE
    date = datetime.date(2021, 5, 3)


class CreationFactory(DjangoModelFactory):
    class Meta:
        model = models.Creation

    projet = factory.SubFactory(ProjetFactory, cree=True)
    date = datetime.date(2021, 9, 1)
    forme_juridique = FormeJuridique.MICRO
    secteur = SecteurActivite.COMMERCE
    denomination = "Les Saveurs de la Cité"
    siret = factory.Sequence(lambda n: factories.valid_siret(n + 500))


class EvenementFactory(DjangoModelFactory):
    class Meta:
        model = models.Evenement
        skip_postgeneration_save = True

    contrat = factory.SubFactory(factories.ContratFactory)
    kind = KindEvenement.CAFE_CREA
    titre = "Café Créa de printemps"
    date = datetime.date(2021, 4, 15)
    lieu = "Médiathèque Grain d'Aile"
    participants = 12

    class Params:
        trophees = factory.Trait(kind=KindEvenement.TROPHEES, titre="Trophées CitésLab")

    @factory.post_generation
    def inscrits(self, create, extracted, **kwargs):
        if create and extracted:
            self.inscrits.set(extracted)

    @factory.post_generation
    def partenaires(self, create, extracted, **kwargs):
        if create and extracted:
            self.partenaires.set(extracted)
