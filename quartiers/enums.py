from django.db import models


class QuartierKind(models.TextChoices):
    QPV = "qpv", "Quartier prioritaire (QPV)"
    QVA = "qva", "Quartier de veille active (QVA)"


class TerritoireKind(models.TextChoices):
    """From the smallest to the widest: a territory's parent is of a later kind."""

    QUARTIER = "quartier", "Quartier"
    COMMUNE = "commune", "Commune"
    QPV_EPCI = "qpv_epci", "Ensemble des QPV de l'EPCI"
    EPCI = "epci", "EPCI"
    DEPARTEMENT = "departement", "Département"
    FRANCE = "france", "France"
    QPV_FRANCE = "qpv_france", "Moyenne nationale des QPV"


# The rank of each kind in the hierarchy of parents (quartier → commune → EPCI → …).
# The national QPV average and the QPV of an EPCI stand beside it: their parent is optional.
RANG_TERRITOIRE = {
    TerritoireKind.QUARTIER: 0,
    TerritoireKind.COMMUNE: 1,
    TerritoireKind.QPV_EPCI: 2,
    TerritoireKind.EPCI: 3,
    TerritoireKind.DEPARTEMENT: 4,
    TerritoireKind.FRANCE: 5,
    TerritoireKind.QPV_FRANCE: 6,
}


class Unite(models.TextChoices):
    POURCENTAGE = "pourcentage", "Pourcentage"
    EUROS = "euros", "Euros"
    NOMBRE = "nombre", "Nombre"
    RATIO = "ratio", "Ratio"


class Theme(models.TextChoices):
    DEMOGRAPHIE = "demographie", "Démographie"
    REVENUS = "revenus", "Revenus et pauvreté"
    EMPLOI = "emploi", "Emploi"
    FAMILLES = "familles", "Familles"
    CAF = "caf", "Allocataires CAF"
    ECONOMIE = "economie", "Activité économique"


class SourceIndicateur(models.TextChoices):
    FILOSOFI = "filosofi", "INSEE FiLoSoFi"
    RECENSEMENT = "recensement", "INSEE recensement"
    CAF = "caf", "Caf.data"
    FRANCE_TRAVAIL = "france_travail", "France Travail / Pôle emploi (STMT)"
    SIRENE = "sirene", "INSEE SIRENE"
    AUTRE = "autre", "Autre"


class Sens(models.TextChoices):
    """Which direction is better for the quartier: it orients the gap's trend."""

    HAUSSE = "hausse", "Plus c'est élevé, mieux c'est"
    BAISSE = "baisse", "Plus c'est bas, mieux c'est"
    NEUTRE = "neutre", "Neutre"


class Tendance(models.TextChoices):
    """How a gap between a quartier and its reference moved between two vintages."""

    REDUIT = "reduit", "L'écart se réduit"
    CREUSE = "creuse", "L'écart se creuse"
    STABLE = "stable", "L'écart est stable"
    NON_CALCULABLE = "non_calculable", "Non calculable"
