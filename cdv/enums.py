from django.db import models


class RoleCode(models.TextChoices):
    ADMIN_PDV = "admin_pdv", "Administrateur politique de la ville"
    INSTRUCTEUR_FINANCEUR = "instructeur_financeur", "Instructeur financeur"
    LECTEUR_PARTENAIRE = "lecteur_partenaire", "Lecteur partenaire"
    PORTEUR = "porteur", "Porteur de projet"
    COORDINATEUR_GUP = "coordinateur_gup", "Coordinateur GUP"
    INTERVENANT_GUP = "intervenant_gup", "Intervenant GUP"
    REFERENT_PRE = "referent_pre", "Référent PRE"
    MEMBRE_EPS = "membre_eps", "Membre d'EPS"
    CHARGE_CITESLAB = "charge_citeslab", "Chargé CitésLab"


class OrganisationKind(models.TextChoices):
    EPCI = "epci", "EPCI (intercommunalité)"
    COMMUNE = "commune", "Commune"
    PREFECTURE = "prefecture", "Préfecture"
    DELEGUE_PREFET = "delegue_prefet", "Délégué du préfet"
    DDETS = "ddets", "DDETS"
    ANCT = "anct", "ANCT"
    ETAT_AUTRE = "etat_autre", "Autre service de l'État"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    CAF = "caf", "CAF"
    BAILLEUR = "bailleur", "Bailleur social"
    REGIE = "regie", "Régie de quartier"
    ASSOCIATION = "association", "Association"
    ENTREPRISE = "entreprise", "Entreprise"
    ETABLISSEMENT_SCOLAIRE = "etablissement_scolaire", "Établissement scolaire"
    CONSEIL_CITOYEN = "conseil_citoyen", "Conseil citoyen"
    AUTRE = "autre", "Autre"


ETAT_KINDS = {
    OrganisationKind.PREFECTURE,
    OrganisationKind.DELEGUE_PREFET,
    OrganisationKind.DDETS,
    OrganisationKind.ANCT,
    OrganisationKind.ETAT_AUTRE,
}


class NiveauObjectif(models.TextChoices):
    ORIENTATION = "orientation", "Orientation stratégique"
    OPERATIONNEL = "operationnel", "Objectif opérationnel"


class InstanceKind(models.TextChoices):
    COPIL = "copil", "Comité de pilotage (COPIL)"
    COTECH = "cotech", "Comité technique (COTECH)"
    COMITE_FINANCEURS = "comite_financeurs", "Comité des financeurs"
    AUTRE = "autre", "Autre instance"
