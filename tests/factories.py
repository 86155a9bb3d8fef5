"""Factories of the contract core, with Traits for the usual shapes."""

import factory
from factory.django import DjangoModelFactory
from stdnum import luhn

from cdv import models
from cdv.enums import InstanceKind, NiveauObjectif, OrganisationKind

DEFAULT_PASSWORD = "mot-de-passe-de-test"


def valid_siret(n):
    """A valid SIRET built from a sequence number: 13 digits plus the Luhn check digit."""
    body = f"{n:013d}"
    return body + luhn.calc_check_digit(body)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = models.Organisation

    nom = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.ASSOCIATION
    siret = factory.Sequence(lambda n: valid_siret(n + 1))
    rna = factory.Sequence(lambda n: f"W{n + 110000000:09d}")
    commune = "Carcassonne"

    class Params:
        epci = factory.Trait(
            kind=OrganisationKind.EPCI, rna="", nom=factory.Sequence(lambda n: f"Agglo {n}")
        )
        etat = factory.Trait(
            kind=OrganisationKind.PREFECTURE,
            rna="",
            nom=factory.Sequence(lambda n: f"Préfecture {n}"),
        )
        commune_kind = factory.Trait(kind=OrganisationKind.COMMUNE, rna="")
        bailleur = factory.Trait(kind=OrganisationKind.BAILLEUR, rna="")


class ContratFactory(DjangoModelFactory):
    class Meta:
        model = models.Contrat

    nom = factory.Sequence(lambda n: f"Contrat de ville {n}")
    code = factory.Sequence(lambda n: f"CN{n:05d}I")
    epci = factory.SubFactory(OrganisationFactory, epci=True)
    annee_debut = 2024
    annee_fin = 2030


class UserFactory(DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """roles=["admin_pdv", ...] gives the user those roles."""
        if create and extracted:
            self.roles.set(models.Role.objects.filter(code__in=extracted))

    @factory.post_generation
    def contrats(self, create, extracted, **kwargs):
        if create and extracted:
            self.contrats.set(extracted)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class SignataireFactory(DjangoModelFactory):
    class Meta:
        model = models.Signataire

    contrat = factory.SubFactory(ContratFactory)
    organisation = factory.SubFactory(OrganisationFactory, etat=True)
    qualite = "co-financeur"


class PilierFactory(DjangoModelFactory):
    class Meta:
        model = models.Pilier

    contrat = factory.SubFactory(ContratFactory)
    nom = factory.Sequence(lambda n: f"Pilier {n}")
    ordre = factory.Sequence(int)


class AxeTransversalFactory(DjangoModelFactory):
    class Meta:
        model = models.AxeTransversal

    contrat = factory.SubFactory(ContratFactory)
    nom = factory.Sequence(lambda n: f"Axe {n}")


class ObjectifFactory(DjangoModelFactory):
    class Meta:
        model = models.Objectif

    pilier = factory.SubFactory(PilierFactory)
    niveau = NiveauObjectif.ORIENTATION
    intitule = factory.Sequence(lambda n: f"Orientation {n}")

    class Params:
        operationnel = factory.Trait(
            niveau=NiveauObjectif.OPERATIONNEL,
            parent=factory.SubFactory(
                "tests.factories.ObjectifFactory", pilier=factory.SelfAttribute("..pilier")
            ),
            intitule=factory.Sequence(lambda n: f"Objectif opérationnel {n}"),
        )


class InstanceFactory(DjangoModelFactory):
    class Meta:
        model = models.Instance

    contrat = factory.SubFactory(ContratFactory)
    kind = InstanceKind.COPIL
    nom = factory.Sequence(lambda n: f"COPIL {n}")


class ReunionFactory(DjangoModelFactory):
    class Meta:
        model = models.Reunion

    instance = factory.SubFactory(InstanceFactory)
    date = factory.Faker("date_between", start_date="-2y", end_date="today")
    lieu = "Hôtel d'agglomération"
    ordre_du_jour = "Point d'étape de la programmation"
    decisions = "Validation de la programmation"
