"""Kinds, decisions, axes and reasons of the programme de réussite éducative (French labels)."""

from django.db import models


class Sexe(models.TextChoices):
    FILLE = "F", "Fille"
    GARCON = "M", "Garçon"


class NiveauClasse(models.TextChoices):
    NON_SCOLARISE = "non_scolarise", "Non scolarisé"
    PS = "ps", "Petite section"
    MS = "ms", "Moyenne section"
    GS = "gs", "Grande section"
    CP = "cp", "CP"
    CE1 = "ce1", "CE1"
    CE2 = "ce2", "CE2"
    CM1 = "cm1", "CM1"
    CM2 = "cm2", "CM2"
    SIXIEME = "6e", "6e"
    CINQUIEME = "5e", "5e"
    QUATRIEME = "4e", "4e"
    TROISIEME = "3e", "3e"
    LYCEE = "lycee", "Lycée ou CAP"
    AUTRE = "autre", "Autre"


class TypeEtablissement(models.TextChoices):
    MATERNELLE = "maternelle", "École maternelle"
    ELEMENTAIRE = "elementaire", "École élémentaire"
    PRIMAIRE = "primaire", "École primaire"
    COLLEGE = "college", "Collège"
    LYCEE = "lycee", "Lycée"
    AUTRE = "autre", "Autre"


class Education(models.TextChoices):
    HORS = "", "Hors éducation prioritaire"
    REP = "rep", "REP"
    REP_PLUS = "rep_plus", "REP+"


class KindReperant(models.TextChoices):
    EDUCATION_NATIONALE = "education_nationale", "Éducation nationale"
    CENTRE_SOCIAL = "centre_social", "Centre social"
    ASSOCIATION = "association", "Association"
    SERVICE_SOCIAL = "service_social", "Service social"
    PARENTS = "parents", "Parents"
    SANTE = "sante", "Santé"
    AUTRE = "autre", "Autre"


class MotifReperage(models.TextChoices):
    RESULTATS_SCOLAIRES = "resultats_scolaires", "Difficultés scolaires"
    COMPORTEMENT = "comportement", "Comportement"
    ABSENTEISME = "absenteisme", "Absentéisme, risque de décrochage"
    SANTE = "sante", "Santé (langage, suivi psychologique…)"
    PARENTALITE = "parentalite", "Parentalité, difficultés familiales"
    ISOLEMENT = "isolement", "Isolement social"
    LANGUE = "langue", "Maîtrise de la langue"
    ACCES_DROITS = "acces_droits", "Accès aux droits"
    CULTURE_LOISIRS = "culture_loisirs", "Accès à la culture et aux loisirs"
    AUTRE = "autre", "Autre"


class DecisionEPS(models.TextChoices):
    ENTREE = "entree_parcours", "Entrée en parcours"
    ORIENTATION = "orientation_ailleurs", "Orientation vers un autre dispositif"
    AJOURNE = "ajourne", "Ajourné"


class AxeParcours(models.TextChoices):
    SCOLARITE = "scolarite", "Scolarité"
    SANTE = "sante", "Santé et bien-être"
    LOISIRS = "loisirs", "Loisirs, culture, sport"
    PARENTALITE = "parentalite", "Parentalité"
    DEVELOPPEMENT = "developpement", "Développement personnel"


class EtatParcours(models.TextChoices):
    EN_ATTENTE = "en_attente", "En liste d'attente"
    ACTIF = "actif", "En cours"
    CLOS = "clos", "Clos"


class MotifSortie(models.TextChoices):
    OBJECTIFS_ATTEINTS = "objectifs_atteints", "Objectifs atteints"
    RELAIS = "relais_droit_commun", "Relais par le droit commun"
    DEMENAGEMENT = "demenagement", "Déménagement"
    REFUS = "refus_abandon", "Refus ou abandon de la famille"
    LIMITE_AGE = "limite_age", "Limite d'âge"
    AUTRE = "autre", "Autre"
    # Exits before reasons were recorded (Carcassonne: 2019); never offered when closing now.
    NON_RENSEIGNE = "non_renseigne", "Non renseigné"


class Adhesion(models.IntegerChoices):
    FAIBLE = 1, "Faible"
    MOYENNE = 2, "Moyenne"
    BONNE = 3, "Bonne"
    TRES_BONNE = 4, "Très bonne"


# The age brackets of the statistics (years, inclusive).
TRANCHES_AGE = [("2-5", 2, 5), ("6-11", 6, 11), ("12-16", 12, 16)]
