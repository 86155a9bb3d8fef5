"""The programme de réussite éducative of the demo: configuration, schools, price grid, EPS
teams and commissions, fictitious children with their families, referrals, pathways,
actions and reviews, and the yearly budget (../shared/reference/carcassonne-figures.md, "PRE").

Every child, family, school code and amount here is invented. The children's surnames are
plant names (Aubépine, Fougère…) so that nobody takes them for real people; the guardians'
telephone numbers are in 06 39 98, a range set aside for works of fiction.

2015–2022 contract. 63 pathways entered between 2016 and 2022, all closed by July 2023.
The active file of a year Y — the pathways actif or clos entered in Y or before and not
left before Y — goes, as the report says, from 17 to 33 (average 22.8 over 2016–2021):
    2016: 17 · 2017: 19 · 2018: 21 · 2019: 22 · 2020: 25 · 2021: 33 · 2022: 29
(2016 and 2021 exact; the other years are illustrative). Year by year, with the age
reached in the year (brackets of pre.enums.TRANCHES_AGE) and the year's referrals:
    year  active  boys        2–5  6–11  12–16   referrals by the Éducation nationale
    2016    17    13 (76 %)    1     4    12      13 of 19 (68 %; 2 by parents)
    2017    19    13 (68 %)    1     5    13       5 of 7  (71 %)
    2018    21    13 (62 %)    1     9    11       7 of 9  (78 %)
    2019    22    13 (59 %)    1    13     8       7 of 8  (88 %)
    2020    25    14 (56 %)    2    15     8       7 of 9  (78 %)
    2021    33    18 (55 %)    2    22     9      12 of 14 (86 %)
    2022    29    16 (55 %)    2    19     8       6 of 7  (86 %)
so boys fall from 75 % to 54 %, 12–15-year-olds are over 60 % in 2016–2017 (none is
older than 15 then) and 6–11-year-olds the majority from 2019; parents refer only in 2016.
Referrals go to the next commission of the child's team (one in eight is adjourned once
first); 10 of them were sent to another scheme (no pathway).
Exits. The report says their reasons are recorded since 2019; the model wants a reason on
every closed pathway, so the exits of 2016–2018 carry "Autre" (not recorded) and only the
later ones a real reason. The pathways' axes put schooling first, with leisure and
well-being more frequent among the 2021 entries.
Retention. The PRE keeps personal data two years after the exit (ConfigurationPRE): every
child of the 2015–2022 contract left by 2023, so they are loaded already anonymised as the
retention would leave them (no name, birth date, guardians' identity or free text; birth
year, sex, quartier, dates, actions and quotient familial kept for the statistics).

2024–2030 contract. Since September 2024: 26 pathways, 6 closed and 20 in progress (below the
cap of 35: no waiting list), 2 referrals sent elsewhere, and 2 referrals on the agenda of
the teams' next commission (PROCHAINE, in December 2026).
These children have (fictitious) identities, so the PRE's pages show data today. Dates are
fixed (DEMO_JOUR): nothing depends on the day of the run.

Budget. BUDGETS are illustrative amounts following the report's two trends: the ANCT's
contribution jumps in 2020 (health crisis), the Ville's falls every year from 2017.

Idempotence. Rows are found by natural keys: a child by its contract and its fixed
creation instant (cree_le), the other records by their child, dates and titles. A second
run rewrites the same values and adds nothing. Nothing is ever printed about a child.
"""

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from cdv.enums import RoleCode
from pre.enums import (
    DecisionEPS,
    EtatParcours,
    KindReperant,
    MotifReperage,
    MotifSortie,
    NiveauClasse,
    Sexe,
)
from pre.enums import Education as EP
from pre.models import (
    ActionParcours,
    BudgetPRE,
    CommissionEPS,
    ConfigurationPRE,
    Consentement,
    Enfant,
    EquipeEPS,
    Etablissement,
    Parcours,
    Reperage,
    ResponsableLegal,
    RevueParcours,
    SituationCommission,
    TrancheTarifaire,
)
from quartiers.models import Quartier

SEED = 2016
DEMO_JOUR = datetime.date(2026, 11, 20)
# Both teams' next commission, the Thursday three weeks after DEMO_JOUR: its agenda is set.
PROCHAINE = DEMO_JOUR + datetime.timedelta(days=21 + (3 - DEMO_JOUR.weekday()) % 7)
K = KindReperant

LA_CONTE = "La Conte – Ozanam"
VIGUIER = "Le Viguier – Saint-Jacques"
BASTIDE = "Bastide – Pont-Vieux"
FLEMING = "Fleming – La Reille"
GRAZAILLES = "Grazailles"

# The two EPS split the QPV by the centre longitude of their perimeters
# (qpv-carcassonne-extents.csv): Viguier 2.330, Fleming 2.341, Bastide 2.352 to the west;
# Grazailles 2.357 and La Conte 2.372 to the east.
EQUIPES = {"Ouest": [VIGUIER, FLEMING, BASTIDE], "Est": [GRAZAILLES, LA_CONTE]}
EQUIPE_DU_QUARTIER = {q: nom for nom, quartiers in EQUIPES.items() for q in quartiers}
# Share of the children by quartier (weights of the draw).
POIDS_QUARTIERS = {LA_CONTE: 5, VIGUIER: 4, BASTIDE: 3, FLEMING: 2, GRAZAILLES: 3}
RUES = {
    LA_CONTE: ["rue Frédéric Ozanam", "rue Buffon", "avenue Pierre Curie", "rue Lamarck"],
    VIGUIER: ["rue du Viguier", "chemin de Saint-Jacques", "rue des Tisserands"],
    BASTIDE: ["rue de Verdun", "rue Trivalle", "rue de la Liberté", "boulevard Barbès"],
    FLEMING: ["avenue Alexander Fleming", "rue de la Reille", "rue Louis Pasteur"],
    GRAZAILLES: ["rue Jean-Baptiste Lully", "rue Hector Berlioz", "rue Georges Bizet"],
}

# Schools. The names are illustrative (most after streets of the quartiers), the priority
# education labels too, and the UAI codes are FICTITIOUS: 0110 (the Aude) + three invented
# digits + a letter computed from the number; any match with a real school is chance.
# Collège Jules-Verne is the demo organisation of the EPS member's account.
# (number, name, type, priority education, quartier)
ETABLISSEMENTS = [
    ("0110801", "École maternelle Buffon", "maternelle", EP.REP_PLUS, LA_CONTE),
    ("0110802", "École élémentaire Pierre-Curie", "elementaire", EP.REP_PLUS, LA_CONTE),
    ("0110803", "Collège Jules-Verne", "college", EP.REP, LA_CONTE),
    ("0110804", "École primaire Les Tisserands", "primaire", EP.REP, VIGUIER),
    ("0110805", "Collège du Viguier", "college", EP.REP, VIGUIER),
    ("0110806", "École maternelle Trivalle", "maternelle", EP.HORS, BASTIDE),
    ("0110807", "École élémentaire Carnot", "elementaire", EP.HORS, BASTIDE),
    ("0110808", "Lycée professionnel de la Bastide", "lycee", EP.HORS, BASTIDE),
    ("0110809", "École primaire Alexander-Fleming", "primaire", EP.REP, FLEMING),
    ("0110810", "École maternelle Claude-Debussy", "maternelle", EP.HORS, GRAZAILLES),
    ("0110811", "École élémentaire Jean-Baptiste-Lully", "elementaire", EP.REP, GRAZAILLES),
]
COLLEGE = {"Ouest": "0110805", "Est": "0110803"}
LYCEE = "0110808"

# The price grid: (QF from, QF up to, share paid by the family %).
GRILLES = {
    2015: [(0, 450, 0), (451, 700, 5), (701, 1000, 10), (1001, None, 20)],
    2024: [(0, 500, 0), (501, 800, 5), (801, None, 10)],
}

# Illustrative budget (€): ANCT up sharply in 2020, Ville down every year from 2017.
BUDGETS = {
    "anct": {2016: 58000, 2017: 60000, 2018: 61000, 2019: 62000, 2020: 88000, 2021: 86000,
             2022: 84000, 2024: 80000, 2025: 80000, 2026: 78000},
    "agglo": {2016: 45000, 2017: 46000, 2018: 47000, 2019: 48000, 2020: 48000, 2021: 50000,
              2022: 52000, 2024: 56000, 2025: 57000, 2026: 58000},
    "ville": {2016: 30000, 2017: 28500, 2018: 27000, 2019: 25500, 2020: 24000, 2021: 22500,
              2022: 21000, 2024: 20000, 2025: 20000, 2026: 19500},
    "caf": {2016: 15000, 2017: 15000, 2018: 16000, 2019: 16000, 2020: 17000, 2021: 17500,
            2022: 18000, 2024: 19000, 2025: 19500, 2026: 20000},
}  # fmt: skip

# The 2015 contract's active file, and the exits of each year (the entries follow).
FILE_ACTIVE = {2016: 17, 2017: 19, 2018: 21, 2019: 22, 2020: 25, 2021: 33, 2022: 29}
SORTIES = {2016: 4, 2017: 5, 2018: 6, 2019: 5, 2020: 4, 2021: 10, 2022: 12}
ORIENTES = {2016: 2, 2017: 1, 2018: 2, 2019: 1, 2020: 1, 2021: 2, 2022: 1}
GARCONS_CIBLES = {2016: 13, 2017: 13, 2018: 13, 2019: 13, 2020: 14, 2021: 18, 2022: 16}
# Children per age bracket in the active file: (2–5, 6–11, 12–16).
TRANCHES_CIBLES = {
    2016: (1, 4, 12),
    2017: (1, 5, 13),
    2018: (1, 9, 11),
    2019: (1, 13, 8),
    2020: (2, 15, 8),
    2021: (2, 22, 9),
    2022: (2, 19, 8),
}
PART_EDUCATION_NATIONALE = {
    2016: 0.68, 2017: 0.76, 2018: 0.80, 2019: 0.89, 2020: 0.72, 2021: 0.86, 2022: 0.83,
    2024: 0.82, 2025: 0.80, 2026: 0.85,
}  # fmt: skip
# The age at entry of each bracket and the last age it may reach in the bracket.
AGES = {0: ([3, 4], 5), 1: ([7, 8, 9], 11), 2: ([13, 14], 16)}

GARCONS = ["Adam", "Enzo", "Lucas", "Nolan", "Rayan", "Yanis", "Théo", "Mathis", "Ilyes",
           "Kylian", "Nathan", "Sacha", "Ayoub", "Louis", "Milo", "Idriss"]  # fmt: skip
FILLES = ["Léa", "Inès", "Jade", "Lina", "Chloé", "Manon", "Sarah", "Emma", "Yasmine",
          "Maëlys", "Nour", "Lou", "Amira", "Zoé", "Camille", "Aya"]  # fmt: skip
ADULTES = {
    "mere": ["Sandrine", "Nadia", "Aurélie", "Fatima", "Karine", "Samira", "Julie"],
    "pere": ["Karim", "Stéphane", "Mehdi", "Julien", "Rachid", "David", "Sébastien"],
}
# Invented surnames (plant names): no real family is meant.
NOMS = ["Aubépine", "Bruyère", "Chardon", "Cormier", "Églantine", "Fougère", "Genêt",
        "Glycine", "Jasmin", "Lavande", "Lierre", "Mélèze", "Mimosa", "Myrte", "Noisetier",
        "Pervenche", "Romarin", "Sureau", "Tilleul", "Verveine", "Amandier", "Érable",
        "Cyprès", "Platane", "Houblon", "Ancolie", "Capucine", "Bourrache", "Sarriette",
        "Camomille"]  # fmt: skip

MOTIFS = {
    0: ["langue", "sante", "parentalite", "isolement"],
    1: ["resultats_scolaires", "comportement", "langue", "sante", "parentalite"],
    2: ["resultats_scolaires", "comportement", "absenteisme", "parentalite", "culture_loisirs"],
}
# Action catalogue per axis: (title, provider key or None, cost range in €).
CATALOGUE = {
    "scolarite": [
        ("Accompagnement à la scolarité (année)", "ecoute_soutien", (120, 260)),
        ("Coup de pouce lecture-écriture", "coup_de_pouce", (90, 180)),
        ("Ateliers sciences du mercredi", "sciences_quartiers", (60, 120)),
        ("Lecture partagée", "lire_faire_lire", (0, 0)),
    ],
    "sante": [
        ("Bilan orthophonique", None, (90, 130)),
        ("Consultations au point accueil écoute jeunes", "paej", (0, 80)),
        ("Bilan psychologique", None, (150, 250)),
    ],
    "loisirs": [
        ("Licence et équipement de judo", "judo_bastide", (110, 190)),
        ("Licence de basket", "us_ozanam_basket", (90, 160)),
        ("École de rugby à XIII", "rugby_xiii_quartiers", (80, 150)),
        ("Stage de théâtre des vacances", "theatre_quartiers", (60, 140)),
        ("Atelier de musique", "musique_quartiers", (100, 220)),
        ("Séjour de vacances", "ligue_enseignement", (250, 480)),
    ],
    "parentalite": [
        ("Ateliers parents-enfants", "parents_enfants", (0, 60)),
        ("Café des parents", "cafe_parents", (0, 0)),
    ],
    "developpement": [
        ("Atelier estime de soi", "mjc", (80, 160)),
        ("Ludothèque : jeux coopératifs", "ludotheque", (20, 60)),
    ],
}
OBJECTIFS = {
    "scolarite": "reprendre confiance dans les apprentissages",
    "sante": "engager le suivi de santé repéré (langage, bien-être)",
    "loisirs": "pratiquer une activité régulière hors de l'école",
    "parentalite": "soutenir les parents dans le suivi de la scolarité",
    "developpement": "travailler l'estime de soi et la relation aux autres",
}
REVUES = [
    "Point d'étape avec la famille : actions suivies régulièrement.",
    "Bilan avec l'établissement : progrès en classe, assiduité meilleure.",
    "Point d'étape : adhésion de la famille à consolider, rendez-vous proposé.",
    "Échange avec le prestataire : l'enfant participe avec plaisir.",
]


@dataclass
class DemoEnfant:
    contrat: int
    numero: int
    sexe: str
    naissance: datetime.date
    tranche: int
    quartier: str
    equipe: str
    qf: int
    reperage: datetime.date = None
    reperant: str = ""
    organisation: str = None
    motifs: list = field(default_factory=list)
    situations: list = field(default_factory=list)  # (commission date, decision)
    etat: str = None  # None: no pathway (oriented elsewhere)
    entree: datetime.date = None
    sortie: datetime.date = None
    motif_sortie: str = ""
    axes: list = field(default_factory=list)
    adhesion: int = None
    actions: list = field(default_factory=list)  # (axe, intitulé, prestataire, date, coût)
    revues: list = field(default_factory=list)  # (date, contenu)
    responsables: list = field(default_factory=list)  # (lien, prénom)
    nom: str = ""
    prenom: str = ""

    @property
    def anonyme(self):
        return self.contrat == 2015

    @property
    def inscription(self):
        return self.situations[-1][0]

    def cree_le(self):
        return timezone.make_aware(
            datetime.datetime.combine(self.reperage, datetime.time(9))
            + datetime.timedelta(minutes=self.numero)
        )


def lettre_uai(numero):
    return "ABCDEFGHJKLMNPRSTUVWXYZ"[int(numero) % 23]


def _jour(rng, debut, fin):
    return debut + datetime.timedelta(days=rng.randint(0, max((fin - debut).days, 0)))


def commissions(rng, debut, fin):
    """A commission every 5 to 8 weeks on a Thursday, the last before the summer in early
    July, none until September."""
    dates, jour = [], debut
    while jour <= fin:
        jour += datetime.timedelta(days=(3 - jour.weekday()) % 7)
        if (jour.month, jour.day) >= (7, 10) and jour.month < 9:
            juillet = datetime.date(jour.year, 7, 7)
            juillet -= datetime.timedelta(days=(juillet.weekday() - 3) % 7)
            if dates and (juillet - dates[-1]).days >= 28:
                jour = juillet  # a last one before the summer
            else:
                jour = datetime.date(jour.year, 9, 10)
                continue
        if jour <= fin:
            dates.append(jour)
        jour += datetime.timedelta(days=rng.randint(35, 56))
    return dates


def _niveau(naissance, jour):
    rentree = jour.year if jour.month >= 9 else jour.year - 1
    age = rentree - naissance.year
    niveaux = ["ps", "ms", "gs", "cp", "ce1", "ce2", "cm1", "cm2", "6e", "5e", "4e", "3e"]
    if age < 3:
        return NiveauClasse.NON_SCOLARISE
    return niveaux[age - 3] if age - 3 < len(niveaux) else NiveauClasse.LYCEE


def etablissement(enfant, jour):
    niveau = _niveau(enfant.naissance, jour)
    if niveau == NiveauClasse.LYCEE:
        return LYCEE
    if niveau in ("6e", "5e", "4e", "3e"):
        return COLLEGE[enfant.equipe]
    ecoles = [e for e in ETABLISSEMENTS if e[4] == enfant.quartier]
    if niveau in ("ps", "ms", "gs"):
        ecoles = [e for e in ecoles if e[2] in ("maternelle", "primaire")]
    else:
        ecoles = [e for e in ecoles if e[2] in ("elementaire", "primaire")]
    return ecoles[0][0] if ecoles else None


def _tirer_quartier(rng):
    return rng.choices(list(POIDS_QUARTIERS), weights=list(POIDS_QUARTIERS.values()))[0]


def _famille(rng):
    qf = rng.choices(
        [rng.randint(150, 450), rng.randint(451, 700), rng.randint(701, 1000), 1150],
        weights=[60, 25, 10, 5],
    )[0]
    liens = rng.choices([["mere", "pere"], ["mere"], ["pere"], ["tuteur"]], [50, 38, 8, 4])[0]
    return qf, liens


def _parcours_2015(rng):
    """Entry year, age bracket and sex of each pathway, and its exit year, drawn year by
    year so that the active file, boys and age brackets hit the targets; None if this
    draw cannot (the caller tries the next one)."""
    parcours, actifs = [], []
    annees = sorted(FILE_ACTIVE)
    for annee in annees:
        precedents = FILE_ACTIVE.get(annee - 1, 0)
        entrees = FILE_ACTIVE[annee] - precedents + SORTIES.get(annee - 1, 0)
        suivis = list(actifs)
        cibles = TRANCHES_CIBLES[annee]
        manque = [max(cibles[t] - sum(p["tranche"] == t for p in suivis), 0) for t in range(3)]
        tranches = [t for t in range(3) for _ in range(manque[t])]
        while len(tranches) < entrees:
            tranches.append(1)
        if len(tranches) > entrees:
            return None
        garcons = GARCONS_CIBLES[annee] - sum(p["sexe"] == Sexe.GARCON for p in suivis)
        if not 0 <= garcons <= entrees:
            return None
        sexes = [Sexe.GARCON] * garcons + [Sexe.FILLE] * (entrees - garcons)
        rng.shuffle(sexes)
        rng.shuffle(tranches)
        for tranche, sexe in zip(tranches, sexes, strict=True):
            ages, limite = AGES[tranche]
            age = rng.choice(ages)
            nouveau = {"entree": annee, "tranche": tranche, "sexe": sexe, "age": age}
            nouveau["fin_max"] = annee + limite - age
            nouveau["precoce"] = rng.random() < 0.5
            parcours.append(nouveau)
            actifs.append(nouveau)
        forces = [p for p in actifs if p["fin_max"] == annee]
        nombre = SORTIES.get(annee, 0)
        if len(forces) > nombre:
            return None
        autres = [p for p in actifs if p not in forces and (p["entree"] < annee or p["precoce"])]
        poids = [(annee - p["entree"] + 1) ** 2 for p in autres]
        sortants = list(forces)
        while len(sortants) < nombre and autres:
            choix = rng.choices(range(len(autres)), weights=poids)[0]
            sortants.append(autres.pop(choix))
            poids.pop(choix)
        if len(sortants) < nombre:
            return None
        for p in sortants:
            p["sortie"] = annee
            actifs.remove(p)
    for p in actifs:
        p["sortie"] = annees[-1] + 1
    return parcours


def _reperant(rng, annee, rang, total):
    """The referrer of the `rang`-th referral of the year: the Éducation nationale's
    share of PART_EDUCATION_NATIONALE, parents only in 2016."""
    education = round(PART_EDUCATION_NATIONALE[annee] * total)
    # Kept within the report's range whatever the rounding.
    education = min(max(education, math.ceil(0.67 * total)), math.floor(0.90 * total))
    if rang < education:
        return K.EDUCATION_NATIONALE
    if annee == 2016 and rang < education + 2:
        return K.PARENTS
    return rng.choice([K.CENTRE_SOCIAL, K.SERVICE_SOCIAL, K.ASSOCIATION, K.SANTE])


ORGANISATION_REPERANT = {
    K.CENTRE_SOCIAL: {"Ouest": "centre_social_viguier", "Est": "centre_social_la_conte"},
    K.SERVICE_SOCIAL: "departement",
    K.ASSOCIATION: "prevention_specialisee",
    K.SANTE: "sante_quartiers",
}


def _axes(rng, enfant, annee):
    axes = ["scolarite"] if rng.random() < 0.8 else []
    bonus = 3 if annee == 2021 else 1
    for axe, poids in [("loisirs", bonus), ("sante", bonus), ("parentalite", 1),
                       ("developpement", 1)]:  # fmt: skip
        if rng.random() < 0.22 * poids:
            axes.append(axe)
    if not axes:
        axes = ["scolarite"] if annee != 2021 else ["loisirs"]
    if enfant.tranche == 0 and "scolarite" in axes and len(axes) > 1:
        axes.remove("scolarite")
    return axes[:3]


def _fin_suivi(enfant):
    return min(enfant.sortie or DEMO_JOUR, DEMO_JOUR)


def _actions_revues(rng, enfant):
    fin = _fin_suivi(enfant)
    duree = (fin - enfant.entree).days
    nombre = max(1, min(6, 1 + duree // 150))
    for rang in range(nombre):
        axe = enfant.axes[rang % len(enfant.axes)]
        intitule, prestataire, (bas, haut) = rng.choice(CATALOGUE[axe])
        jour = enfant.entree + datetime.timedelta(days=rng.randint(7, max(duree, 7)))
        jour = min(jour, fin)
        if any(a[1] == intitule and a[3] == jour for a in enfant.actions):
            continue  # one action per title and date
        enfant.actions.append((axe, intitule, prestataire, jour, rng.randint(bas, haut)))
    jour = enfant.entree + datetime.timedelta(days=rng.randint(90, 130))
    while jour < fin:
        enfant.revues.append((jour, rng.choice(REVUES)))
        jour += datetime.timedelta(days=rng.randint(110, 180))
    if enfant.sortie and enfant.sortie <= DEMO_JOUR:
        enfant.revues.append((enfant.sortie, "Bilan de fin de parcours avec la famille."))


def _motif_sortie(rng, enfant):
    if enfant.sortie.year < 2019:
        return MotifSortie.NON_RENSEIGNE
    if enfant.sortie.year - enfant.naissance.year >= 16 and rng.random() < 0.5:
        return MotifSortie.LIMITE_AGE
    return rng.choices(
        [MotifSortie.OBJECTIFS_ATTEINTS, MotifSortie.RELAIS, MotifSortie.DEMENAGEMENT,
         MotifSortie.REFUS],
        weights=[50, 25, 13, 12],
    )[0]  # fmt: skip


def _situer(rng, enfant, dates, annee, debut=None, fin=None):
    """Place the referral before a commission of the child's team in `annee` (between
    `debut` and `fin`), sometimes adjourned once; returns the deciding commission."""
    candidates = [
        d
        for d in dates[enfant.equipe]
        if d.year == annee and d >= max(debut or d, datetime.date(annee, 2, 15)) and d <= (fin or d)
    ]
    rang = rng.randrange(len(candidates))
    decision = candidates[rang]
    toutes = dates[enfant.equipe]
    premiere = decision
    index = toutes.index(decision)
    if index > 0 and toutes[index - 1].year == annee and rng.random() < 0.12:
        premiere = toutes[index - 1]
        enfant.situations.append((premiere, DecisionEPS.AJOURNE))
    enfant.reperage = max(
        premiere - datetime.timedelta(days=rng.randint(12, 45)), datetime.date(annee, 1, 6)
    )
    return decision


def plan_2015(dates):
    """The children of the 2015–2022 contract (deterministic: seeded draws)."""
    essai = 0
    while True:
        rng = random.Random(SEED + essai)
        parcours = _parcours_2015(rng)
        if parcours is not None:
            break
        essai += 1
    enfants = []
    for numero, p in enumerate(parcours, 1):
        quartier = _tirer_quartier(rng)
        qf, liens = _famille(rng)
        enfant = DemoEnfant(
            contrat=2015,
            numero=numero,
            sexe=p["sexe"],
            naissance=datetime.date(p["entree"] - p["age"], rng.randint(1, 12), rng.randint(1, 28)),
            tranche=p["tranche"],
            quartier=quartier,
            equipe=EQUIPE_DU_QUARTIER[quartier],
            qf=qf,
            responsables=[(lien, None) for lien in liens],
        )
        # A pathway closed within its first year starts before the summer.
        meme_annee = p["sortie"] == p["entree"]
        fin = (
            datetime.date(p["entree"], 8, 31) if meme_annee else datetime.date(p["entree"], 11, 30)
        )
        decision = _situer(rng, enfant, dates, p["entree"], fin=fin)
        enfant.situations.append((decision, DecisionEPS.ENTREE))
        enfant.entree = decision + datetime.timedelta(days=rng.randint(7, 21))
        if meme_annee:
            debut = enfant.entree + datetime.timedelta(days=75)
            enfant.sortie = _jour(rng, debut, datetime.date(p["sortie"], 12, 18))
        elif p["sortie"] == 2023 or rng.random() < 0.5:
            enfant.sortie = _jour(
                rng, datetime.date(p["sortie"], 6, 20), datetime.date(p["sortie"], 7, 7)
            )
        else:
            enfant.sortie = _jour(
                rng, datetime.date(p["sortie"], 1, 12), datetime.date(p["sortie"], 12, 18)
            )
        enfant.etat = EtatParcours.CLOS
        enfant.motif_sortie = _motif_sortie(rng, enfant)
        enfant.axes = _axes(rng, enfant, p["entree"])
        enfant.adhesion = rng.choices([1, 2, 3, 4], weights=[1, 3, 5, 3])[0]
        enfant.motifs = rng.sample(MOTIFS[enfant.tranche], rng.randint(1, 2))
        _actions_revues(rng, enfant)
        enfants.append(enfant)
    for annee, nombre in ORIENTES.items():
        for _ in range(nombre):
            enfants.append(_oriente(rng, 2015, len(enfants) + 1, annee, dates))
    _attribuer_reperants(rng, enfants)
    return enfants


def _oriente(rng, contrat, numero, annee, dates, debut=None):
    """A referral the EPS sent to another scheme (no pathway)."""
    quartier = _tirer_quartier(rng)
    qf, liens = _famille(rng)
    tranche = rng.choice([1, 1, 2])
    age = rng.choice(AGES[tranche][0])
    enfant = DemoEnfant(
        contrat=contrat,
        numero=numero,
        sexe=rng.choice([Sexe.GARCON, Sexe.FILLE]),
        naissance=datetime.date(annee - age, rng.randint(1, 12), rng.randint(1, 28)),
        tranche=tranche,
        quartier=quartier,
        equipe=EQUIPE_DU_QUARTIER[quartier],
        qf=qf,
        responsables=[(lien, None) for lien in liens],
    )
    enfant.situations.append(
        (_situer(rng, enfant, dates, annee, debut=debut), DecisionEPS.ORIENTATION)
    )
    enfant.motifs = rng.sample(MOTIFS[tranche], 1)
    return enfant


def _attribuer_reperants(rng, enfants):
    par_annee = {}
    for enfant in enfants:
        par_annee.setdefault(enfant.reperage.year, []).append(enfant)
    for annee, groupe in sorted(par_annee.items()):
        groupe.sort(key=lambda e: (e.reperage, e.numero))
        ordre = list(range(len(groupe)))
        rng.shuffle(ordre)
        for rang, index in enumerate(ordre):
            enfant = groupe[index]
            enfant.reperant = _reperant(rng, annee, rang, len(groupe))
            organisation = ORGANISATION_REPERANT.get(enfant.reperant)
            if enfant.reperant == K.EDUCATION_NATIONALE:
                jules_verne = enfant.tranche == 2 and enfant.equipe == "Est"
                organisation = "college_jules_verne" if jules_verne else "dsden"
            elif isinstance(organisation, dict):
                organisation = organisation[enfant.equipe]
            enfant.organisation = organisation


def plan_2024(dates):
    """The children of the 2024–2030 contract: 28 pathways since September 2024 (6
    closed, 20 in progress, 2 waiting for their entry) and 2 referrals sent elsewhere."""
    rng = random.Random(SEED + 2024)
    noms = rng.sample(NOMS, 30)
    enfants = []
    # (year, number of entries, of which closed)
    for annee, entrees, closes in [(2024, 7, 3), (2025, 12, 3), (2026, 9, 0)]:
        for rang in range(entrees):
            quartier = _tirer_quartier(rng)
            qf, liens = _famille(rng)
            tranche = rng.choices([0, 1, 2], weights=[1, 6, 3])[0]
            age = rng.choice(AGES[tranche][0])
            sexe = Sexe.GARCON if rng.random() < 0.55 else Sexe.FILLE
            enfant = DemoEnfant(
                contrat=2024,
                numero=len(enfants) + 1,
                sexe=sexe,
                naissance=datetime.date(annee - age, rng.randint(1, 12), rng.randint(1, 28)),
                tranche=tranche,
                quartier=quartier,
                equipe=EQUIPE_DU_QUARTIER[quartier],
                qf=qf,
                nom=noms[len(enfants)],
                prenom=rng.choice(GARCONS if sexe == Sexe.GARCON else FILLES),
            )
            enfant.responsables = [(lien, rng.choice(ADULTES.get(lien, ["Dominique"])))
                                   for lien in liens]  # fmt: skip
            enfant.motifs = rng.sample(MOTIFS[tranche], rng.randint(1, 2))
            enfant.axes = _axes(rng, enfant, annee)
            enfant.adhesion = rng.choices([1, 2, 3, 4], weights=[1, 3, 5, 3])[0]
            if annee == 2026 and rang >= entrees - 2:
                # On the agenda of the team's next commission: not decided yet.
                enfant.situations.append((PROCHAINE, ""))
                enfant.reperage = DEMO_JOUR - datetime.timedelta(days=rng.randint(5, 30))
                enfant.etat = None
                enfant.adhesion = None
            else:
                debut = datetime.date(2024, 9, 1) if annee == 2024 else None
                fin = DEMO_JOUR - datetime.timedelta(days=21)
                decision = _situer(rng, enfant, dates, annee, debut=debut, fin=fin)
                enfant.situations.append((decision, DecisionEPS.ENTREE))
                enfant.etat = EtatParcours.ACTIF
                enfant.entree = decision + datetime.timedelta(days=rng.randint(7, 21))
                if rang < closes:
                    enfant.etat = EtatParcours.CLOS
                    enfant.sortie = _jour(
                        rng, datetime.date(annee + 1, 6, 15), datetime.date(annee + 1, 7, 7)
                    )
                    enfant.motif_sortie = _motif_sortie(rng, enfant)
                _actions_revues(rng, enfant)
            enfants.append(enfant)
    for annee in (2025, 2026):
        enfant = _oriente(rng, 2024, len(enfants) + 1, annee, dates)
        enfant.nom = noms[len(enfants)]
        enfant.prenom = rng.choice(GARCONS if enfant.sexe == Sexe.GARCON else FILLES)
        enfant.responsables = [(lien, rng.choice(ADULTES.get(lien, ["Dominique"])))
                               for lien, _ in enfant.responsables]  # fmt: skip
        enfants.append(enfant)
    _attribuer_reperants(rng, enfants)
    return enfants


def dates_commissions():
    rng = random.Random(SEED)
    return {
        2015: {
            equipe: commissions(rng, datetime.date(2016, 1, 14), datetime.date(2022, 12, 15))
            for equipe in EQUIPES
        },
        2024: {
            equipe: [*commissions(rng, datetime.date(2024, 9, 12), DEMO_JOUR), PROCHAINE]
            for equipe in EQUIPES
        },
    }


def part_famille(grille, qf, cout):
    """The family's share of `cout` by the bracket of `qf` in `grille`."""
    taux = next(t for bas, haut, t in grille if qf >= bas and (haut is None or qf <= haut))
    return (Decimal(cout) * Decimal(taux) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------
# Loading.
def _upsert(report, model, lookup, exclude=None, **values):
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=exclude)
    obj.save()
    report.count(model, created)
    return obj


def _at(jour, heure=10):
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure)))


def _load_reference(report, contrats, orgs, users, quartiers):
    structure = orgs.get("cias") or orgs["agglo"]
    referent = users[RoleCode.REFERENT_PRE]
    for annee, contrat in contrats.items():
        _upsert(
            report,
            ConfigurationPRE,
            {"contrat": contrat},
            structure=structure,
            coordinateur=referent,
            plafond_file_active=35,
            seuil_masquage=3,
            conservation_annees=2,
        )
        for bas, haut, taux in GRILLES[annee]:
            _upsert(
                report,
                TrancheTarifaire,
                {"contrat": contrat, "qf_min": bas},
                qf_max=haut,
                part_famille=Decimal(taux),
            )
        for key, montants in BUDGETS.items():
            for budget_annee, montant in montants.items():
                if contrat.annee_debut <= budget_annee <= contrat.annee_fin:
                    _upsert(
                        report,
                        BudgetPRE,
                        {"contrat": contrat, "annee": budget_annee, "financeur": orgs[key]},
                        montant=Decimal(montant),
                    )
    return {
        numero: _upsert(
            report,
            Etablissement,
            {"uai": numero + lettre_uai(numero)},
            nom=nom,
            type=type_,
            education_prioritaire=education,
            commune="Carcassonne",
            quartier=quartiers[(2024, quartier)],
        )
        for numero, nom, type_, education, quartier in ETABLISSEMENTS
    }


def _load_commissions(report, contrats, dates, situations, users):
    membres = [users[RoleCode.REFERENT_PRE], users[RoleCode.MEMBRE_EPS]]
    loaded = {}
    for annee, contrat in contrats.items():
        for nom in EQUIPES:
            equipe = _upsert(report, EquipeEPS, {"contrat": contrat, "nom": nom})
            equipe.membres.set(membres)
            for jour in dates[annee][nom]:
                decisions = [d for j, d in situations[(annee, nom)] if j == jour]
                compte_rendu = (
                    f"Situations examinées : {len(decisions)}. Entrées en parcours : "
                    f"{decisions.count(DecisionEPS.ENTREE)} ; orientations vers un autre "
                    f"dispositif : {decisions.count(DecisionEPS.ORIENTATION)} ; ajournements : "
                    f"{decisions.count(DecisionEPS.AJOURNE)}."
                )
                tenue = jour <= DEMO_JOUR
                commission = _upsert(
                    report,
                    CommissionEPS,
                    {"equipe": equipe, "date": jour},
                    compte_rendu=compte_rendu if tenue else None,
                )
                commission.presents.set(membres if tenue else [])
                loaded[(annee, nom, jour)] = commission
    return loaded


def _load_enfant(report, demo, contrat, quartiers, ecoles, commissions, orgs, referent):
    anonyme = demo.anonyme
    # The class of today for the children still followed, of the entry for the others.
    en_cours = demo.etat in (EtatParcours.ACTIF, EtatParcours.EN_ATTENTE)
    jour_classe = DEMO_JOUR if en_cours else demo.entree or demo.inscription
    enfant = Enfant.objects.filter(contrat=contrat, cree_le=demo.cree_le()).first()
    if enfant is not None and enfant.anonymise_le is not None and not anonyme:
        # Anonymised by the retention since the last run: left as it is.
        report.count(Enfant, False)
        return
    derniere = demo.sortie or demo.inscription
    # The identity fields are not blank=True: an anonymised record skips their check (the
    # model's clean() still accepts a missing birth date only once anonymised).
    vides = ["nom", "prenom", "date_naissance"] if anonyme else None
    enfant = _upsert(
        report,
        Enfant,
        {"contrat": contrat, "cree_le": demo.cree_le()},
        exclude=vides,
        nom=None if anonyme else demo.nom,
        prenom=None if anonyme else demo.prenom,
        date_naissance=None if anonyme else demo.naissance,
        annee_naissance=demo.naissance.year,
        sexe=demo.sexe,
        quartier=quartiers[(contrat.annee_debut, demo.quartier)],
        etablissement=ecoles.get(etablissement(demo, jour_classe)),
        niveau=_niveau(demo.naissance, jour_classe),
        anonymise_le=_at(derniere.replace(year=derniere.year + 2), 2) if anonyme else None,
    )
    for rang, (lien, prenom) in enumerate(demo.responsables, 1):
        rue = RUES[demo.quartier][demo.numero % len(RUES[demo.quartier])]
        identite = {
            "nom": demo.nom,
            "prenom": prenom,
            "telephone": f"06 39 98 {demo.numero:02d} {rang * 11:02d}",
            "email": f"famille-{demo.numero}-{rang}@demo.cdv.local",
            "adresse": f"{demo.numero + 2} {rue}, 11000 Carcassonne",
        }
        if anonyme:
            identite = dict.fromkeys(identite)
        _upsert(
            report,
            ResponsableLegal,
            {"enfant": enfant, "lien": lien},
            exclude=["nom", "prenom"] if anonyme else None,
            quotient_familial=demo.qf,
            **identite,
        )
    texte = (lambda valeur: None) if anonyme else (lambda valeur: valeur)
    motifs = ", ".join(MotifReperage(m).label.lower() for m in demo.motifs)
    reperage = _upsert(
        report,
        Reperage,
        {"enfant": enfant, "date": demo.reperage},
        reperant=demo.reperant,
        organisation=orgs[demo.organisation] if demo.organisation else None,
        motifs=demo.motifs,
        commentaire=texte(f"Repérage : {motifs}."),
    )
    for jour, decision in demo.situations:
        _upsert(
            report,
            SituationCommission,
            {"commission": commissions[(demo.contrat, demo.equipe, jour)], "reperage": reperage},
            decision=decision,
            commentaire=texte(f"Décision : {DecisionEPS(decision).label.lower()}.")
            if decision
            else None,
        )
    if demo.etat is None:
        return
    _upsert(report, Consentement, {"enfant": enfant, "date": demo.inscription}, type_mime="")
    objectifs = "Objectifs : " + " ; ".join(OBJECTIFS[a] for a in demo.axes) + "."
    parcours = _upsert(
        report,
        Parcours,
        {"enfant": enfant, "reperage": reperage},
        etat=demo.etat,
        date_inscription=demo.inscription,
        date_entree=demo.entree,
        referent=referent,
        axes=demo.axes,
        objectifs=texte(objectifs),
        adhesion=demo.adhesion,
        date_sortie=demo.sortie,
        motif_sortie=demo.motif_sortie,
    )
    grille = GRILLES[demo.contrat]
    for axe, intitule, prestataire, jour, cout in demo.actions:
        famille = part_famille(grille, demo.qf, cout)
        _upsert(
            report,
            ActionParcours,
            {"parcours": parcours, "date": jour, "intitule": intitule},
            axe=axe,
            prestataire=orgs[prestataire] if prestataire else None,
            cout=Decimal(cout),
            part_famille=famille,
            part_pre=Decimal(cout) - famille,
        )
    for jour, contenu in demo.revues:
        _upsert(
            report,
            RevueParcours,
            {"parcours": parcours, "date": jour},
            contenu=texte(contenu),
            auteur=referent,
        )


def load(report, contrat_2015, contrat_2024, orgs, users):
    """Load (or refresh) the PRE of both contracts: configuration, schools, price grid,
    budget, EPS teams and commissions, children and their pathways. `orgs` by demo key,
    `users` by role. Counts only reach the report: never a child's identity."""
    contrats = {2015: contrat_2015, 2024: contrat_2024}
    quartiers = {
        (annee, q.nom): q
        for annee, contrat in contrats.items()
        for q in Quartier.objects.filter(contrat=contrat)
    }
    ecoles = _load_reference(report, contrats, orgs, users, quartiers)
    dates = dates_commissions()
    enfants = plan_2015(dates[2015]) + plan_2024(dates[2024])
    situations = {(annee, nom): [] for annee in contrats for nom in EQUIPES}
    for demo in enfants:
        situations[(demo.contrat, demo.equipe)].extend(demo.situations)
    commissions_ = _load_commissions(report, contrats, dates, situations, users)
    referent = users[RoleCode.REFERENT_PRE]
    for demo in enfants:
        _load_enfant(
            report, demo, contrats[demo.contrat], quartiers, ecoles, commissions_, orgs, referent
        )
