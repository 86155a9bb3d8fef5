"""CitésLab in the demo: the Bpifrance programme run by Carcassonne Agglo since September
2017 (issue 7), fictitious would-be entrepreneurs, their meetings, projects, referrals,
businesses and events.

2015–2022 contract, September 2017 to December 2022, as the figures of the issue:
    year   people met   accompanied (individual interview in the year)
    2017        9            5   (from September)
    2018       32           20
    2019       38           26   (4 of them seen again in interview early 2020)
    2020       42           32
    2021       52           38   (12 met at the Bpifrance kiosk from October, 6 accompanied)
    2022       50           34   (24 met at the kiosk)
so 4 + 32 + 38 = 74 people had an individual interview over 2020–2021 (the shared
definition of « accompagnés »), 40 of them women (54 %), and 36 people came through the
Bpifrance kiosk at the Pôle emploi office of La Conte, all since October 2021. Ages are
drawn mostly under 26 and 36–45; people live in the 5 QPV, the 2 QVA and the 11 nearby
communes. Projects move through citeslab.services (dated history); referrals go to ADIE,
CMA, CCI, BGE, Initiative, France Active…; businesses carry valid (Luhn) but fictitious
SIRETs and their survival at 1 and 3 years. Events: Cafés Créa from 2017, Trophées from
2018, Lundis de l'Adie and Mercredis à Acti-City from 2019, the online Christmas market of
December 2020.
2024–2030 contract, since March 2024: the same activity, smaller and illustrative, without
the kiosk (so that the 36 of the issue stay the demo's figure); nothing after DEMO_JOUR.

Every person is invented: surnames are birds and stones (Mésange, Topaze…), telephone
numbers in 06 39 98, a range set aside for works of fiction. Draws are seeded: two runs give
the same data. Idempotence: a person is found by its contract and fixed creation instant
(cree_le); a person found again is left as it is with its meetings and project (their
history is append-only); events are found by contract, kind, date and title.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from cdv.demo.organisations import DemoOrganisation, siren_from_key, siret_of
from cdv.demo.pre import DEMO_JOUR
from cdv.enums import OrganisationKind, RoleCode
from cdv.models import Organisation
from citeslab import services
from citeslab.enums import (
    CanalEntree,
    Etape,
    FormeJuridique,
    IssueOrientation,
    KindEvenement,
    KindRencontre,
    NiveauFormation,
    PartenaireKind,
    SecteurActivite,
    Sexe,
    StatutEmploi,
)
from citeslab.models import Beneficiaire, ConfigurationCitesLab, Evenement, Rencontre
from quartiers.models import Quartier

SEED = 2017
D = datetime.date
BORNE_DEBUT = D(2021, 10, 1)
LIEU_BORNE = "Borne Bpifrance — agence Pôle emploi de La Conte"
BUREAU = "Bureau CitésLab, Maison des entreprises"

LA_CONTE = "La Conte – Ozanam"
VIGUIER = "Le Viguier – Saint-Jacques"
BASTIDE = "Bastide – Pont-Vieux"
FLEMING = "Fleming – La Reille"
GRAZAILLES = "Grazailles"
AIGUILLE = "L'Aiguille"
ESPERANCE = "L'Espérance"
COMMUNE_QVA = {ESPERANCE: "Berriac"}
PERMANENCES = {
    LA_CONTE: "Centre social de La Conte",
    VIGUIER: "Maison des services du Viguier",
    BASTIDE: "Maison de quartier de la Bastide",
    FLEMING: "Salle de quartier Fleming",
    GRAZAILLES: "Centre social de Grazailles",
}
# Share of the people by residence (None: another commune of the agglomeration).
RESIDENCES = {
    2015: {LA_CONTE: 20, VIGUIER: 14, BASTIDE: 16, FLEMING: 8, GRAZAILLES: 8, AIGUILLE: 5,
           ESPERANCE: 3, None: 26},
    2024: {LA_CONTE: 22, VIGUIER: 15, BASTIDE: 18, FLEMING: 9, GRAZAILLES: 9, None: 27},
}  # fmt: skip
COMMUNES = ["Trèbes", "Berriac", "Pennautier", "Villemoustaussou", "Pezens", "Palaja",
            "Cazilhac", "Conques-sur-Orbiel", "Villedubert", "Couffoulens",
            "Lavalette"]  # fmt: skip

# (year, first day, last day, people met, accompanied, met at the kiosk, of them accompanied)
COHORTES = {
    2015: [
        (2017, D(2017, 9, 11), D(2017, 12, 15), 9, 5, 0, 0),
        (2018, D(2018, 1, 8), D(2018, 12, 14), 32, 20, 0, 0),
        (2019, D(2019, 1, 7), D(2019, 12, 13), 38, 26, 0, 0),
        (2020, D(2020, 1, 6), D(2020, 12, 11), 42, 32, 0, 0),
        (2021, D(2021, 1, 11), D(2021, 12, 10), 52, 38, 12, 6),
        (2022, D(2022, 1, 10), D(2022, 12, 9), 50, 34, 24, 10),
    ],
    2024: [
        (2024, D(2024, 3, 4), D(2024, 12, 13), 22, 14, 0, 0),
        (2025, D(2025, 1, 13), D(2025, 12, 12), 34, 24, 0, 0),
        (2026, D(2026, 1, 12), D(2026, 10, 30), 30, 20, 0, 0),
    ],
}
# 2019 people accompanied into 2020; the women among 2020–2021's accompanied.
REPRISES_2020 = 4
FEMMES_2020_2021 = 40

AGES = [((18, 25), 34), ((26, 35), 16), ((36, 45), 30), ((46, 55), 14), ((56, 62), 6)]
CANAUX = {
    CanalEntree.PERMANENCE: 34,
    CanalEntree.FRANCE_TRAVAIL: 15,
    CanalEntree.MISSION_LOCALE: 12,
    CanalEntree.EVENEMENT: 10,
    CanalEntree.BOUCHE_A_OREILLE: 15,
    CanalEntree.PARTENAIRE: 10,
    CanalEntree.AUTRE: 4,
}
STATUTS = {
    StatutEmploi.DEMANDEUR_EMPLOI: 40,
    StatutEmploi.ALLOCATAIRE_RSA: 20,
    StatutEmploi.SALARIE: 12,
    StatutEmploi.ETUDIANT: 6,
    StatutEmploi.INACTIF: 10,
    StatutEmploi.INDEPENDANT: 4,
    StatutEmploi.AUTRE: 8,
}
NIVEAUX = [*NiveauFormation.values, "", ""]
S = SecteurActivite
IDEES = {
    S.COMMERCE: ["Épicerie de produits du monde", "Vente de vêtements en ligne",
                 "Boutique de cosmétiques naturels"],
    S.ARTISANAT: ["Atelier de couture et retouches", "Création de bijoux", "Ébénisterie"],
    S.BTP: ["Entreprise de peinture et plâtrerie", "Petits travaux de rénovation"],
    S.RESTAURATION: ["Food truck de cuisine du monde", "Traiteur pour événements",
                     "Snack de quartier"],
    S.SERVICES_PERSONNES: ["Aide à domicile", "Garde d'enfants à domicile",
                           "Soutien scolaire"],
    S.SERVICES_ENTREPRISES: ["Nettoyage de bureaux", "Secrétariat indépendant"],
    S.TRANSPORT: ["Livraison à vélo", "VTC", "Déménagement et petits transports"],
    S.NUMERIQUE: ["Création de sites internet", "Réparation de téléphones"],
    S.CULTURE_LOISIRS: ["Cours de danse", "Coaching sportif"],
    S.SANTE_BIEN_ETRE: ["Salon de coiffure", "Institut de beauté", "Onglerie"],
    S.AGRICULTURE: ["Maraîchage bio", "Pâtisserie orientale artisanale"],
}  # fmt: skip
POIDS_SECTEURS = [3, 2, 2, 3, 3, 1, 2, 1, 1, 3, 1]
PARTENAIRES = {
    PartenaireKind.ADIE: 25,
    PartenaireKind.CMA: 15,
    PartenaireKind.CCI: 12,
    PartenaireKind.BGE: 15,
    PartenaireKind.INITIATIVE: 15,
    PartenaireKind.FRANCE_ACTIVE: 8,
    PartenaireKind.BPIFRANCE: 3,
    PartenaireKind.BANQUE: 7,
}
ISSUES = {
    IssueOrientation.ACCOMPAGNE: 40,
    IssueOrientation.FINANCE: 25,
    IssueOrientation.REFUSE: 15,
    IssueOrientation.SANS_SUITE: 20,
}
FORMES = {
    FormeJuridique.MICRO: 60,
    FormeJuridique.EI: 10,
    FormeJuridique.SASU: 12,
    FormeJuridique.EURL: 8,
    FormeJuridique.SARL: 5,
    FormeJuridique.SAS: 3,
    FormeJuridique.ASSOCIATION: 2,
}
FEMMES = ["Samira", "Nadia", "Fatima", "Sandrine", "Aurélie", "Karima", "Leïla", "Julie",
          "Sabrina", "Naïma", "Céline", "Amel", "Sonia", "Myriam", "Laura", "Inès", "Yasmina",
          "Émilie", "Houria", "Sarah", "Djamila", "Marion", "Malika", "Aïcha"]  # fmt: skip
HOMMES = ["Karim", "Mehdi", "Julien", "Rachid", "David", "Sofiane", "Nicolas", "Youssef",
          "Thomas", "Bilal", "Kevin", "Hamid", "Anthony", "Nordine", "Romain", "Samir",
          "Jérémy", "Mourad", "Florian", "Ibrahim", "Adrien", "Walid", "Sébastien"]  # fmt: skip
# Invented surnames (birds and stones): no real person is meant.
NOMS = ["Alouette", "Bouvreuil", "Cormoran", "Grive", "Héron", "Martinet", "Mésange",
        "Ortolan", "Pinson", "Pluvier", "Sittelle", "Verdier", "Agate", "Béryl", "Jaspe",
        "Opale", "Quartz", "Saphir", "Topaze", "Zircon", "Ambre", "Corail", "Grenat", "Onyx",
        "Basalte", "Granit", "Mica", "Silex", "Calcite", "Loriot", "Rougegorge", "Bergeronnette",
        "Hirondelle", "Fauvette", "Linotte", "Tourterelle", "Émeraude", "Turquoise", "Obsidienne",
        "Malachite"]  # fmt: skip

# Organisations the events and referrals need besides the contract's partners.
ORGANISATIONS = [
    ("adie", "Association pour le droit à l'initiative économique", "ADIE",
     OrganisationKind.ASSOCIATION, "Avenue Franklin Roosevelt"),
    ("bge", "BGE Sud-Ouest — antenne de Carcassonne", "BGE", OrganisationKind.ASSOCIATION,
     "Rue Antoine Marty"),
    ("bpifrance", "Bpifrance — direction régionale de Montpellier", "Bpifrance",
     OrganisationKind.AUTRE, "Boulevard du Jeu de Paume"),
]  # fmt: skip
# Events: (kind, title, months, day, participants range, partner keys, place).
EVENEMENTS = [
    (KindEvenement.CAFE_CREA, "Café Créa", (3, 6, 10, 12), 14, (8, 22),
     ["cma", "cci", "initiative_aude", "bge"], "Médiathèque de la Bastide"),
    (KindEvenement.TROPHEES, "Trophées CitésLab", (11,), 24, (60, 120),
     ["agglo", "bpifrance", "france_travail", "cci"], "Auditorium Joseph Delteil"),
    (KindEvenement.LUNDI_ADIE, "Lundi de l'Adie", (1, 3, 5, 9, 11), 6, (5, 14), ["adie"],
     "Centre social de La Conte"),
    (KindEvenement.MERCREDI_ACTI_CITY, "Mercredi à Acti-City", (2, 4, 9, 11), 10, (8, 20),
     ["agglo", "cci"], "Acti-City, pépinière d'entreprises"),
]  # fmt: skip
DEBUT_EVENEMENTS = {
    KindEvenement.CAFE_CREA: 2017,
    KindEvenement.TROPHEES: 2018,
    KindEvenement.LUNDI_ADIE: 2019,
    KindEvenement.MERCREDI_ACTI_CITY: 2019,
}
CONFINEMENT = (D(2020, 3, 17), D(2020, 5, 11))


@dataclass
class DemoEvenement:
    kind: str
    titre: str
    date: datetime.date
    lieu: str
    participants: int
    partenaires: list
    quartier: str | None = None
    inscrits: list = field(default_factory=list)


@dataclass
class DemoPersonne:
    contrat: int
    numero: int
    annee: int
    contact: datetime.date
    canal: str
    accompagne: bool
    sexe: str = ""
    nom: str = ""
    prenom: str = ""
    annee_naissance: int = 0
    residence: str | None = None
    commune: str = ""
    statut: str = ""
    niveau: str = ""
    entretiens: list = field(default_factory=list)
    secteur: str = ""
    idee: str = ""
    etapes: list = field(default_factory=list)  # (etape, date) after « sensibilisé »
    orientations: list = field(default_factory=list)  # (partenaire, date, issue, date_issue)
    creation: dict | None = None

    def cree_le(self):
        instant = datetime.datetime.combine(self.contact, datetime.time(9))
        return timezone.make_aware(instant + datetime.timedelta(minutes=self.numero))


def _poids(rng, table):
    return rng.choices(list(table), weights=list(table.values()))[0]


def _jour(rng, debut, fin):
    return debut + datetime.timedelta(days=rng.randint(0, max((fin - debut).days, 0)))


def _ouvre(jour):
    """The next working day out of the first lockdown."""
    if CONFINEMENT[0] <= jour <= CONFINEMENT[1]:
        jour = CONFINEMENT[1] + datetime.timedelta(days=1)
    while jour.weekday() >= 5:
        jour += datetime.timedelta(days=1)
    return jour


def _fin_contrat(annee_contrat):
    return D(2022, 12, 16) if annee_contrat == 2015 else DEMO_JOUR


# Plan ----------------------------------------------------------------------------------


def plan_evenements(contrat, rng):
    """The events of a contract, year by year (no event planned after DEMO_JOUR)."""
    annees = [c[0] for c in COHORTES[contrat]]
    evenements = []
    for annee in annees:
        for kind, titre, mois, jour, (bas, haut), partenaires, lieu in EVENEMENTS:
            if annee < DEBUT_EVENEMENTS[kind]:
                continue
            for m in mois:
                date = _ouvre(D(annee, m, jour))
                if (annee == 2017 and m < 10) or date > min(_fin_contrat(contrat), DEMO_JOUR):
                    continue
                intitule = f"{titre} {annee}" if kind == KindEvenement.TROPHEES else titre
                if kind == KindEvenement.TROPHEES and annee == 2020:
                    intitule, lieu_ = f"{intitule} (en ligne)", "En ligne"
                else:
                    lieu_ = lieu
                quartier = LA_CONTE if lieu_ == PERMANENCES[LA_CONTE] else None
                evenements.append(
                    DemoEvenement(
                        kind, intitule, date, lieu_, rng.randint(bas, haut), partenaires, quartier
                    )  # fmt: skip
                )
        if contrat == 2015 and annee == 2020:
            evenements.append(
                DemoEvenement(
                    KindEvenement.MARCHE_NOEL,
                    "Marché de Noël en ligne des créateurs des quartiers",
                    D(2020, 12, 7),
                    "En ligne",
                    rng.randint(24, 32),
                    ["agglo", "cci", "cma"],
                )
            )
    return sorted(evenements, key=lambda e: (e.date, e.kind))


def _personnes_cohorte(rng, contrat, cohorte, numero, evenements):
    annee, debut, fin, total, accompagnes, borne, borne_accompagnes = cohorte
    fin_accompagnes = min(fin, D(annee, 11, 20))
    personnes = []
    for rang in range(total):
        est_borne = rang < borne
        accompagne = rang < borne_accompagnes or borne <= rang < borne + (
            accompagnes - borne_accompagnes
        )
        if est_borne:
            debut_, fin_ = max(debut, BORNE_DEBUT), fin_accompagnes if accompagne else fin
            canal = CanalEntree.BORNE
        else:
            debut_, fin_ = debut, fin_accompagnes if accompagne else fin
            canal = _poids(rng, CANAUX)
        contact = _ouvre(_jour(rng, debut_, fin_))
        if canal == CanalEntree.EVENEMENT:
            candidats = [e for e in evenements if debut <= e.date <= fin_]
            if candidats:
                contact = rng.choice(candidats).date
            else:
                canal = CanalEntree.BOUCHE_A_OREILLE
        numero += 1
        personnes.append(DemoPersonne(contrat, numero, annee, contact, canal, accompagne))
    return personnes, numero


def _identite(rng, personne, noms_pris):
    prenoms = FEMMES if personne.sexe == Sexe.FEMME else HOMMES
    personne.prenom = rng.choice(prenoms)
    personne.nom = rng.choice(NOMS)
    while (personne.nom, personne.prenom) in noms_pris:
        personne.nom, personne.prenom = rng.choice(NOMS), rng.choice(prenoms)
    noms_pris.add((personne.nom, personne.prenom))
    (bas, haut) = rng.choices([a for a, _ in AGES], weights=[p for _, p in AGES])[0]
    personne.annee_naissance = personne.contact.year - rng.randint(bas, haut)
    personne.residence = _poids(rng, RESIDENCES[personne.contrat])
    if personne.residence is None:
        personne.commune = rng.choice(COMMUNES)
    else:
        personne.commune = COMMUNE_QVA.get(personne.residence, "Carcassonne")
    statut = _poids(rng, STATUTS)
    if personne.contact.year - personne.annee_naissance > 30 and statut == StatutEmploi.ETUDIANT:
        statut = StatutEmploi.DEMANDEUR_EMPLOI
    personne.statut = statut
    personne.niveau = rng.choice(NIVEAUX)
    personne.secteur = rng.choices(list(IDEES), weights=POIDS_SECTEURS)[0]
    personne.idee = rng.choice(IDEES[personne.secteur])


def _parcours(rng, personne, reprise):
    """Interviews, stages, referrals and business of one person, within its contract."""
    fin = min(_fin_contrat(personne.contrat), DEMO_JOUR)
    # People of 2019 and before are interviewed within their year (except the reprises), so
    # that 2020–2021's accompanied are exactly the 2020 and 2021 people and the reprises.
    borne_annee = D(personne.annee, 12, 18) if personne.annee <= 2019 else fin
    if not personne.accompagne:
        if rng.random() < 0.3:
            jour = personne.contact + datetime.timedelta(days=rng.randint(60, 240))
            if jour <= fin:
                personne.etapes.append((Etape.ABANDONNE, jour))
        return
    jour = _ouvre(personne.contact + datetime.timedelta(days=rng.randint(5, 25)))
    jour = min(jour, D(personne.annee, 12, 18), fin)
    personne.entretiens.append(jour)
    for _ in range(rng.choices([0, 1, 2, 3], weights=[2, 4, 3, 1])[0]):
        suivant = _ouvre(jour + datetime.timedelta(days=rng.randint(14, 60)))
        if suivant > min(borne_annee, fin):
            break
        jour = suivant
        personne.entretiens.append(jour)
    if reprise:
        jour = _ouvre(D(2020, 1, 6) + datetime.timedelta(days=rng.randint(0, 45)))
        personne.entretiens.append(jour)
    personne.etapes.append((Etape.AMORCAGE, personne.entretiens[0]))
    if len(personne.entretiens) == 1:
        if rng.random() < 0.5:
            abandon = jour + datetime.timedelta(days=rng.randint(45, 200))
            if abandon <= fin:
                personne.etapes.append((Etape.ABANDONNE, abandon))
        return
    personne.etapes.append((Etape.ACCOMPAGNE, personne.entretiens[1]))
    jour = personne.entretiens[-1]
    tirage = rng.random()
    if tirage < 0.55:
        orientation = jour + datetime.timedelta(days=rng.randint(3, 20))
        if orientation > fin:
            return
        partenaire = _poids(rng, PARTENAIRES)
        issue = _poids(rng, ISSUES)
        date_issue = orientation + datetime.timedelta(days=rng.randint(15, 60))
        if date_issue > fin:
            issue, date_issue = IssueOrientation.EN_ATTENTE, None
        personne.etapes.append((Etape.ORIENTE, orientation))
        personne.orientations.append((partenaire, orientation, issue, date_issue))
        jour = date_issue or orientation
        cree = issue in (IssueOrientation.ACCOMPAGNE, IssueOrientation.FINANCE)
        cree = cree and rng.random() < 0.6
    else:
        cree = tirage < 0.65
    if cree:
        date = jour + datetime.timedelta(days=rng.randint(20, 120))
        if date <= fin:
            personne.creation = _creation(rng, personne, date)
            return
    if rng.random() < 0.35:
        abandon = jour + datetime.timedelta(days=rng.randint(60, 240))
        if abandon <= fin:
            personne.etapes.append((Etape.ABANDONNE, abandon))


def _anniversaire(jour, annees):
    try:
        return jour.replace(year=jour.year + annees)
    except ValueError:
        return jour.replace(year=jour.year + annees, day=28)


def _creation(rng, personne, date):
    forme = _poids(rng, FORMES)
    actif_1 = actif_3 = None
    if _anniversaire(date, 1) <= DEMO_JOUR:
        actif_1 = rng.random() < 0.85
    if _anniversaire(date, 3) <= DEMO_JOUR:
        actif_3 = bool(actif_1) and rng.random() < 0.75
    cle = f"citeslab-{personne.contrat}-{personne.numero}"
    return {
        "date": date,
        "forme_juridique": forme,
        "secteur": personne.secteur,
        "denomination": f"{personne.idee} {personne.nom}",
        "siret": siret_of(siren_from_key(cle)),
        "active_1_an": actif_1,
        "active_3_ans": actif_3,
    }


def plan(contrat):
    """People and events of a contract (deterministic: seeded draws)."""
    rng = random.Random(SEED + contrat)
    evenements = plan_evenements(contrat, rng)
    personnes, numero = [], 0
    for cohorte in COHORTES[contrat]:
        nouvelles, numero = _personnes_cohorte(rng, contrat, cohorte, numero, evenements)
        personnes.extend(nouvelles)
    # The sexes: exactly FEMMES_2020_2021 women among 2020–2021's accompanied (2015 contract).
    reprises = set()
    if contrat == 2015:
        candidates = [p for p in personnes if p.annee == 2019 and p.accompagne]
        candidates.sort(key=lambda p: p.contact, reverse=True)
        reprises = {p.numero for p in candidates[:REPRISES_2020]}
    comptes = [
        p for p in personnes if p.numero in reprises or (p.accompagne and p.annee in (2020, 2021))
    ]
    if contrat == 2015:
        sexes = [Sexe.FEMME] * FEMMES_2020_2021 + [Sexe.HOMME] * (len(comptes) - FEMMES_2020_2021)
        rng.shuffle(sexes)
        for personne, sexe in zip(comptes, sexes, strict=True):
            personne.sexe = sexe
    noms_pris = set()
    for personne in personnes:
        if not personne.sexe:
            personne.sexe = Sexe.FEMME if rng.random() < 0.52 else Sexe.HOMME
        _identite(rng, personne, noms_pris)
        _parcours(rng, personne, personne.numero in reprises)
    # Registrations: the people who came by an event, and a few already met.
    for evenement in evenements:
        venus = [p for p in personnes if p.canal == CanalEntree.EVENEMENT]
        venus = [p for p in venus if p.contact == evenement.date]
        connus = [p for p in personnes if p.contact < evenement.date]
        connus = [p for p in connus if (evenement.date - p.contact).days < 365]
        deja = rng.sample(connus, min(len(connus), rng.randint(0, 4)))
        evenement.inscrits = sorted({p.numero for p in venus + deja})
        evenement.participants = max(evenement.participants, len(evenement.inscrits) + 2)
    return personnes, evenements


# Loading -------------------------------------------------------------------------------


def _upsert(report, model, lookup, **values):
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    report.count(model, created)
    return obj


def _load_organisations(report, orgs):
    orgs = dict(orgs)
    for key, nom, sigle, kind, adresse in ORGANISATIONS:
        demo = DemoOrganisation(key, nom, kind, sigle=sigle, adresse=adresse)
        orgs[key] = _upsert(
            report,
            Organisation,
            {"siret": demo.siret},
            nom=demo.nom,
            sigle=demo.sigle,
            kind=demo.kind,
            rna=demo.rna,
            adresse=demo.adresse,
            code_postal=demo.code_postal,
            commune=demo.commune,
            email=demo.email,
            telephone=demo.telephone,
            active=True,
        )
    return orgs


def _rencontre_partagee(report, contrat, kind, date, lieu, quartier, duree, personne):
    rencontre = _upsert(
        report,
        Rencontre,
        {"contrat": contrat, "kind": kind, "date": date, "lieu": lieu},
        quartier=quartier,
        duree_minutes=duree,
    )
    rencontre.beneficiaires.add(personne)


def _load_personne(report, demo, contrat, quartiers, auteur):
    """One person, created once with its meetings and project; found again: left as is."""
    beneficiaire = Beneficiaire.objects.filter(contrat=contrat, cree_le=demo.cree_le()).first()
    if beneficiaire is not None:
        report.count(Beneficiaire, False)
        return beneficiaire
    quartier = quartiers.get(demo.residence)
    beneficiaire = services.beneficiaire_creer(
        contrat=contrat,
        auteur=auteur,
        nom=demo.nom,
        prenom=demo.prenom,
        telephone=f"06 39 98 {demo.numero // 100:02d} {demo.numero % 100:02d}",
        email=f"porteur-{demo.contrat}-{demo.numero}@demo.cdv.local",
        sexe=demo.sexe,
        annee_naissance=demo.annee_naissance,
        commune=demo.commune,
        quartier=quartier,
        statut_emploi=demo.statut,
        niveau_formation=demo.niveau,
        canal_entree=demo.canal,
        date_premier_contact=demo.contact,
        consentement=True,
        date_consentement=demo.contact,
    )
    Beneficiaire.objects.filter(pk=beneficiaire.pk).update(cree_le=demo.cree_le())
    report.count(Beneficiaire, True)
    # Where the person first came.
    lieu_quartier = demo.residence if demo.residence in PERMANENCES else LA_CONTE
    if demo.canal == CanalEntree.PERMANENCE:
        _rencontre_partagee(report, contrat, KindRencontre.PERMANENCE, demo.contact,
                            PERMANENCES[lieu_quartier], quartiers.get(lieu_quartier), 180,
                            beneficiaire)  # fmt: skip
    elif demo.canal == CanalEntree.BORNE:
        services.rencontre_creer(
            contrat=contrat,
            auteur=auteur,
            beneficiaires=[beneficiaire],
            date=demo.contact,
            kind=KindRencontre.BORNE,
            duree_minutes=20,
            lieu=LIEU_BORNE,
            quartier=quartiers.get(LA_CONTE),
        )
    elif demo.canal in (CanalEntree.FRANCE_TRAVAIL, CanalEntree.MISSION_LOCALE):
        # The partner's monthly information session on business creation.
        jour = _ouvre(demo.contact.replace(day=1) + datetime.timedelta(days=13))
        if jour < demo.contact or (demo.entretiens and jour > demo.entretiens[0]):
            jour = demo.contact
        _rencontre_partagee(report, contrat, KindRencontre.INFORMATION_COLLECTIVE, jour,
                            "Agence Pôle emploi de La Conte", quartiers.get(LA_CONTE), 120,
                            beneficiaire)  # fmt: skip
    for jour in demo.entretiens:
        services.rencontre_creer(
            contrat=contrat,
            auteur=auteur,
            beneficiaires=[beneficiaire],
            date=jour,
            kind=KindRencontre.ENTRETIEN_INDIVIDUEL,
            duree_minutes=60,
            lieu=PERMANENCES.get(demo.residence, BUREAU),
            quartier=quartiers.get(demo.residence) if demo.residence in PERMANENCES else None,
        )
    projet = services.projet_creer(
        beneficiaire=beneficiaire,
        idee=demo.idee,
        secteur=demo.secteur,
        date=demo.contact,
        auteur=auteur,
    )
    orientations = iter(demo.orientations)
    for etape, jour in demo.etapes:
        projet = services.projet_changer_etape(projet=projet, etape=etape, date=jour, auteur=auteur)
        if etape == Etape.ORIENTE:
            partenaire, date, issue, date_issue = next(orientations)
            orientation = services.orientation_creer(
                projet=projet, auteur=auteur, partenaire=partenaire, date=date
            )
            if date_issue is not None:
                services.orientation_issue(
                    orientation=orientation, auteur=auteur, issue=issue, date_issue=date_issue
                )
    if demo.creation:
        suivi = {k: demo.creation[k] for k in ("active_1_an", "active_3_ans")}
        creation = services.creation_enregistrer(
            projet=projet,
            auteur=auteur,
            **{k: v for k, v in demo.creation.items() if k not in suivi},
        )
        if any(v is not None for v in suivi.values()):
            services.creation_suivre(creation=creation, auteur=auteur, **suivi)
    return beneficiaire


def load(report, contrat_2015, contrat_2024, orgs, users):
    """Load (or refresh) CitésLab for both contracts: configuration, people with their
    meetings, projects, referrals and businesses, and the events. Counts only reach the
    report: never a person's identity."""
    orgs = _load_organisations(report, orgs)
    auteur = users[RoleCode.CHARGE_CITESLAB]
    for annee, contrat in ((2015, contrat_2015), (2024, contrat_2024)):
        _upsert(
            report,
            ConfigurationCitesLab,
            {"contrat": contrat},
            structure=orgs["agglo"],
            seuil_masquage=3,
        )
        quartiers = {q.nom: q for q in Quartier.objects.filter(contrat=contrat)}
        personnes, evenements = plan(annee)
        beneficiaires = {
            demo.numero: _load_personne(report, demo, contrat, quartiers, auteur)
            for demo in personnes
        }
        for demo in evenements:
            evenement = _upsert(
                report,
                Evenement,
                {"contrat": contrat, "kind": demo.kind, "date": demo.date, "titre": demo.titre},
                lieu=demo.lieu,
                quartier=quartiers.get(demo.quartier),
                participants=demo.participants,
            )
            inscrits = [beneficiaires[n] for n in demo.inscrits]
            evenement.valider_inscrits(inscrits)
            evenement.partenaires.set([orgs[k] for k in demo.partenaires])
            evenement.inscrits.set(inscrits)
