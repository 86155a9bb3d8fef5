"""Factories of the programmation, with Traits for the usual shapes of an application."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from cdv.demo.documents import pdf_minimal
from programmation import models
from programmation.enums import EtatAppel, KindVersement, NatureFinancement
from programmation.models.echanges import NATURES_OBLIGATOIRES, NatureDocument
from quartiers.enums import QuartierKind
from quartiers.models import Quartier
from tests import factories


class QuartierFactory(DjangoModelFactory):
    class Meta:
        model = Quartier

    contrat = factory.SubFactory(factories.ContratFactory)
    kind = QuartierKind.QPV
    code = factory.Sequence(lambda n: f"QN{n:06d}")
    nom = factory.Sequence(lambda n: f"Quartier {n}")
    population = 2000


class AppelFactory(DjangoModelFactory):
    class Meta:
        model = models.AppelAProjets

    contrat = factory.SubFactory(factories.ContratFactory)
    annee = 2026
    titre = factory.Sequence(lambda n: f"Appel à projets {n}")
    etat = EtatAppel.OUVERT
    date_ouverture = datetime.date(2026, 1, 5)
    date_cloture = datetime.date(2026, 2, 27)
    date_limite_instruction = datetime.date(2026, 3, 20)
    date_comite = datetime.date(2026, 4, 10)
    date_limite_bilan = datetime.date(2027, 6, 30)


class ActionFactory(DjangoModelFactory):
    """A draft application, with only its title."""

    class Meta:
        model = models.Action
        skip_postgeneration_save = True

    appel = factory.SubFactory(AppelFactory)
    porteur = factory.SubFactory(factories.OrganisationFactory)
    intitule = factory.Sequence(lambda n: f"Action {n}")


class ActionCompleteFactory(ActionFactory):
    """A draft with everything a submission checks, and a balanced budget:
    charges 64 = 8 000 € + 61 = 2 000 €; produits 74 = 6 000 € (asked from the contract's
    EPCI, the one solicited funder) + 70 = 4 000 €; one quartier at 100 %; one indicator."""

    description = "Ateliers hebdomadaires de soutien scolaire."
    objectifs_action = "Améliorer les résultats scolaires."
    public_vise = "Collégiens du quartier"
    beneficiaires_prevus = 40
    lieux = "Maison de quartier"
    date_debut = datetime.date(2026, 9, 1)
    date_fin = datetime.date(2027, 6, 30)
    pilier = factory.SubFactory(
        factories.PilierFactory, contrat=factory.SelfAttribute("..appel.contrat")
    )
    objectif = factory.SubFactory(
        factories.ObjectifFactory, operationnel=True, pilier=factory.SelfAttribute("..pilier")
    )

    @factory.post_generation
    def budget(self, create, extracted, **kwargs):
        if not create:
            return
        financeur = self.appel.contrat.epci
        FinancementFactory(action=self, financeur=financeur, montant_demande=Decimal("6000"))
        for compte, montant, fin in [
            ("64", "8000", None),
            ("61", "2000", None),
            ("74", "6000", financeur),
            ("70", "4000", None),
        ]:
            LigneBudgetFactory(
                action=self, compte=compte, montant_previsionnel=Decimal(montant), financeur=fin
            )
        quartier = QuartierFactory(contrat=self.appel.contrat)
        models.ActionQuartier.objects.create(action=self, quartier=quartier, part=Decimal("100"))
        models.Indicateur.objects.create(action=self, libelle="Élèves suivis", cible=40)

    @factory.post_generation
    def documents(self, create, extracted, **kwargs):
        """The porteur's statutes, RIB… (documents=False: none, to test their absence)."""
        if create and extracted is not False:
            documents_valides(self.porteur)


PDF = pdf_minimal("Document de test")


class DocumentFactory(DjangoModelFactory):
    """A valid document of an organisation: a real small PDF."""

    class Meta:
        model = models.Document

    organisation = factory.SubFactory(factories.OrganisationFactory)
    nature = NatureDocument.STATUTS
    fichier = factory.django.FileField(filename="document.pdf", data=PDF)
    nom_original = factory.LazyAttribute(lambda d: f"{d.nature}.pdf")
    taille = len(PDF)
    type_mime = "application/pdf"


def documents_valides(organisation, natures=NATURES_OBLIGATOIRES):
    """Give the organisation a valid document of each nature it lacks (all those a deposit
    requires by default)."""
    for nature in natures:
        if not organisation.documents.filter(nature=nature).valides().exists():
            DocumentFactory(organisation=organisation, nature=nature)


class FinancementFactory(DjangoModelFactory):
    class Meta:
        model = models.Financement

    action = factory.SubFactory(ActionFactory)
    financeur = factory.SubFactory(factories.OrganisationFactory, etat=True)
    nature = NatureFinancement.SPECIFIQUE
    montant_demande = Decimal("5000")


class LigneBudgetFactory(DjangoModelFactory):
    class Meta:
        model = models.LigneBudget

    action = factory.SubFactory(ActionFactory)
    compte = "64"
    montant_previsionnel = Decimal("1000")


def solliciter(action, financeur, montant, *, nature=NatureFinancement.SPECIFIQUE):
    """Ask one more funder for `montant` and keep the budget balanced: its subsidy line
    (compte 74) and as much again in personnel charges (compte 64)."""
    montant = Decimal(montant)
    financement = FinancementFactory(
        action=action, financeur=financeur, montant_demande=montant, nature=nature
    )
    LigneBudgetFactory(
        action=action, compte="74", financeur=financeur, montant_previsionnel=montant
    )
    LigneBudgetFactory(action=action, compte="64", montant_previsionnel=montant)
    return financement


def mettre_a_l_etat(action, etat):
    """Put an action in a state directly, as a test's setup (no history row)."""
    models.Action.objects.filter(pk=action.pk).update(etat=etat)
    action.refresh_from_db()
    return action


class ConventionFactory(DjangoModelFactory):
    """A yearly convention of the action's first funder that granted something."""

    class Meta:
        model = models.Convention

    action = factory.SubFactory(ActionFactory)
    financeur = factory.SubFactory(factories.OrganisationFactory, etat=True)
    numero = factory.Sequence(lambda n: f"CONV-{n:04d}")
    date_signature = datetime.date(2026, 5, 15)
    montant = Decimal("5000")
    auteur = factory.SubFactory(factories.UserFactory)


class VersementFactory(DjangoModelFactory):
    class Meta:
        model = models.Versement

    convention = factory.SubFactory(ConventionFactory)
    kind = KindVersement.AVANCE
    montant = Decimal("1000")
    date = datetime.date(2026, 6, 1)
    auteur = factory.SubFactory(factories.UserFactory)


def remplir_bilan(action, **champs):
    """Give the action a bilan ready to deposit: realised = forecast on every budget line,
    every indicator at its target, the planned number of beneficiaries, results."""
    for ligne in action.lignes_budget.all():
        ligne.montant_realise = ligne.montant_previsionnel
        ligne.save(update_fields=["montant_realise"])
    for indicateur in action.indicateurs.all():
        indicateur.realise = indicateur.cible if indicateur.cible is not None else 0
        indicateur.save(update_fields=["realise"])
    defaults = {
        "beneficiaires_total": action.beneficiaires_prevus or 10,
        "resultats": "Objectifs atteints.",
        **champs,
    }
    bilan, _ = models.Bilan.objects.update_or_create(action=action, defaults=defaults)
    return bilan
