"""Kinds, statuses, stages and outcomes of CitésLab (French labels), and the one table of the
stages a business project may move to."""

from django.db import models


class Sexe(models.TextChoices):
    FEMME = "F", "Femme"
    HOMME = "M", "Homme"


class StatutEmploi(models.TextChoices):
    DEMANDEUR_EMPLOI = "demandeur_emploi", "Demandeur d'emploi"
    ALLOCATAIRE_RSA = "allocataire_rsa", "Allocataire du RSA"
    SALARIE = "salarie", "Salarié"
    ETUDIANT = "etudiant", "Étudiant"
    INACTIF = "inactif", "Inactif"
    INDEPENDANT = "independant", "Indépendant"
    AUTRE = "autre", "Autre"


class NiveauFormation(models.TextChoices):
    SANS_DIPLOME = "sans_diplome", "Sans diplôme"
    CAP_BEP = "cap_bep", "CAP ou BEP"
    BAC = "bac", "Baccalauréat"
    BAC_2 = "bac_2", "Bac+2"
    BAC_3 = "bac_3_plus", "Bac+3 et plus"


class CanalEntree(models.TextChoices):
    PERMANENCE = "permanence", "Permanence"
    BORNE = "borne_bpifrance", "Borne Bpifrance"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    EVENEMENT = "evenement", "Événement"
    BOUCHE_A_OREILLE = "bouche_a_oreille", "Bouche-à-oreille"
    PARTENAIRE = "partenaire", "Partenaire"
    AUTRE = "autre", "Autre"


class KindRencontre(models.TextChoices):
    INFORMATION_COLLECTIVE = "information_collective", "Information collective"
    ENTRETIEN_INDIVIDUEL = "entretien_individuel", "Entretien individuel"
    PERMANENCE = "permanence", "Permanence"
    ATELIER = "atelier", "Atelier"
    BORNE = "borne", "Borne Bpifrance"


class SecteurActivite(models.TextChoices):
    COMMERCE = "commerce", "Commerce"
    ARTISANAT = "artisanat", "Artisanat"
    BTP = "btp", "Bâtiment et travaux publics"
    RESTAURATION = "restauration", "Hôtellerie, restauration"
    SERVICES_PERSONNES = "services_personnes", "Services aux personnes"
    SERVICES_ENTREPRISES = "services_entreprises", "Services aux entreprises"
    TRANSPORT = "transport", "Transport, logistique"
    NUMERIQUE = "numerique", "Numérique"
    CULTURE_LOISIRS = "culture_loisirs", "Culture, sport, loisirs"
    SANTE_BIEN_ETRE = "sante_bien_etre", "Santé, bien-être, beauté"
    AGRICULTURE = "agriculture", "Agriculture, alimentation"
    AUTRE = "autre", "Autre"


class Etape(models.TextChoices):
    """The stages of a business project, in the order of the funnel."""

    SENSIBILISE = "sensibilise", "Sensibilisé"
    AMORCAGE = "amorcage", "En amorçage"
    ACCOMPAGNE = "accompagne", "Accompagné"
    ORIENTE = "oriente", "Orienté"
    CREE = "cree", "Créé"
    ABANDONNE = "abandonne", "Abandonné"


E = Etape
ETAPES_OUVERTES = frozenset({E.SENSIBILISE, E.AMORCAGE, E.ACCOMPAGNE, E.ORIENTE})

# The stages each stage may move to, in one table. Forward one step at a time, except that a
# project accompanied by CitésLab alone may be created without a referral (accompagné → créé).
# Back one step is allowed (a mistake corrected, a project that stalls): the history keeps
# every change, so the funnel still counts the furthest stage reached. Abandonné from any open
# stage. Créé and abandonné are final: an idea taken up again is a new project, so that the
# abandonment stays in the figures.
SUIVANTES = {
    E.SENSIBILISE: frozenset({E.AMORCAGE, E.ABANDONNE}),
    E.AMORCAGE: frozenset({E.ACCOMPAGNE, E.SENSIBILISE, E.ABANDONNE}),
    E.ACCOMPAGNE: frozenset({E.ORIENTE, E.CREE, E.AMORCAGE, E.ABANDONNE}),
    E.ORIENTE: frozenset({E.CREE, E.ACCOMPAGNE, E.ABANDONNE}),
    E.CREE: frozenset(),
    E.ABANDONNE: frozenset(),
}


class PartenaireKind(models.TextChoices):
    ADIE = "adie", "ADIE"
    CMA = "cma", "Chambre de métiers et de l'artisanat (CMA)"
    CCI = "cci", "Chambre de commerce et d'industrie (CCI)"
    BGE = "bge", "BGE"
    INITIATIVE = "initiative", "Initiative France"
    FRANCE_ACTIVE = "france_active", "France Active"
    BPIFRANCE = "bpifrance", "Bpifrance"
    BANQUE = "banque", "Banque"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    AUTRE = "autre", "Autre"


class IssueOrientation(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    ACCOMPAGNE = "accompagne", "Accompagné par le partenaire"
    FINANCE = "finance", "Financé"
    REFUSE = "refuse", "Refusé"
    SANS_SUITE = "sans_suite", "Sans suite"


class FormeJuridique(models.TextChoices):
    MICRO = "micro_entreprise", "Micro-entreprise"
    EI = "ei", "Entreprise individuelle (EI)"
    EURL = "eurl", "EURL"
    SASU = "sasu", "SASU"
    SARL = "sarl", "SARL"
    SAS = "sas", "SAS"
    SCOP = "scop", "SCOP"
    ASSOCIATION = "association", "Association"
    AUTRE = "autre", "Autre"


class KindEvenement(models.TextChoices):
    TROPHEES = "trophees", "Trophées CitésLab"
    CAFE_CREA = "cafe_crea", "Café Créa"
    LUNDI_ADIE = "lundi_adie", "Lundi de l'Adie"
    MERCREDI_ACTI_CITY = "mercredi_acti_city", "Mercredi à Acti-City"
    MARCHE_NOEL = "marche_noel", "Marché de Noël en ligne"
    INFORMATION_COLLECTIVE = "information_collective", "Information collective"
    SALON = "salon", "Salon"
    AUTRE = "autre", "Autre"
