"""The 2016–2022 programming of the 2015 contract, generated for the demo and loaded through
the import of earlier years (programmation.imports), as rows of its layout.

What the final evaluation reports (../shared/reference/carcassonne-figures.md) is kept
exactly: the actions per year and the État's crédits spécifiques granted per year, to the
euro. What it only describes is approached: about 75 % renewals (the same porteur and title
as the year before), cohésion sociale 64 % of the credits, La Conte – Ozanam first among the
quartiers until 2019 and a better spread afterwards, co-funding in droit commun by the Ville,
the Département, the CAF… Everything else (titles, porteurs, amounts of each action) is
drawn by a seeded random generator: the same rows on every run, so `load_demo` stays
idempotent. Every funded action is "soldée" and fully paid.
"""

import random
from dataclasses import dataclass
from decimal import Decimal

from cdv.demo.contrats import CADRE_DE_VIE, COHESION, EMPLOI
from cdv.demo.organisations import ORGANISATIONS
from programmation.enums import EtatAction, NatureFinancement

SEED = 2015
ANNEES = range(2016, 2023)
# The report's yearly envelope of crédits spécifiques (k€) and its actions per year.
ENVELOPPES = {
    2016: 760_000,
    2017: 1_000_000,
    2018: 844_000,
    2019: 969_000,
    2020: 1_096_000,
    2021: 1_122_000,
    2022: 1_108_000,
}
NB_ACTIONS = {2016: 58, 2017: 74, 2018: 74, 2019: 85, 2020: 78, 2021: 83, 2022: 93}
TAUX_RECONDUCTION = 0.75
# Shares of each year's credits by pillar: cohésion sociale 64 % (the report), the rest
# split between employment and the living environment.
PARTS_PILIERS = {COHESION: Decimal("0.64"), EMPLOI: Decimal("0.23")}
# Shares of the new actions by pillar (422 of the report's 566 actions in cohésion sociale).
TIRAGE_PILIERS = [(COHESION, 0.74), (EMPLOI, 0.15), (CADRE_DE_VIE, 0.11)]

# The État's crédits spécifiques are asked from the prefecture (as in the 2024 demo).
ETAT = "prefecture"
SOLDEE = EtatAction.SOLDEE.label
SPECIFIQUE = NatureFinancement.SPECIFIQUE.label
DROIT_COMMUN = NatureFinancement.DROIT_COMMUN.label

LA_CONTE, VIGUIER, BASTIDE, FLEMING, GRAZAILLES = (
    "QP011002",
    "QP011003",
    "QP011004",
    "QP011005",
    "QP011006",
)
NOMS_QUARTIERS = {
    LA_CONTE: "La Conte",
    VIGUIER: "Le Viguier",
    BASTIDE: "Bastide",
    FLEMING: "Fleming",
    GRAZAILLES: "Grazailles",
}
# Weights of the quartiers an action is drawn in: La Conte – Ozanam leads until 2019.
POIDS_QUARTIERS = {
    "avant_2020": {LA_CONTE: 46, BASTIDE: 17, VIGUIER: 15, FLEMING: 11, GRAZAILLES: 11},
    "depuis_2020": {LA_CONTE: 22, BASTIDE: 25, VIGUIER: 21, FLEMING: 16, GRAZAILLES: 16},
}
# The quartier where an association is rooted: its actions take place there first.
QUARTIER_DU_PORTEUR = {
    "centre_social_la_conte": LA_CONTE,
    "us_ozanam_basket": LA_CONTE,
    "one_one": LA_CONTE,
    "cc_la_conte": LA_CONTE,
    "centre_social_viguier": VIGUIER,
    "sport_citoyennete_viguier": VIGUIER,
    "jardins_viguier": VIGUIER,
    "cc_viguier": VIGUIER,
    "judo_bastide": BASTIDE,
    "epicerie_solidaire": BASTIDE,
    "cc_bastide": BASTIDE,
    "habitants_fleming": FLEMING,
    "parents_enfants": FLEMING,
    "ludotheque": FLEMING,
    "cc_fleming": FLEMING,
    "coup_de_pouce": GRAZAILLES,
    "cafe_parents": GRAZAILLES,
    "cc_grazailles": GRAZAILLES,
}

# Pillar → [(theme, [porteurs])]: the kinds of actions a contrat de ville funds, each with
# the demo associations likely to carry it.
THEMES = {
    COHESION: [
        (
            "Accompagnement à la scolarité",
            [
                "centre_social_la_conte",
                "centre_social_viguier",
                "ecoute_soutien",
                "coup_de_pouce",
                "amicale_laique",
            ],
        ),
        ("Ateliers sociolinguistiques", ["alpha", "langues_cultures", "centre_social_viguier"]),
        ("Lutte contre l'illettrisme", ["alpha", "lire_faire_lire", "ligue_enseignement"]),
        ("Lecture partagée en famille", ["lire_faire_lire", "coup_de_pouce", "ludotheque"]),
        (
            "Soutien à la parentalité",
            ["parents_enfants", "cafe_parents", "centre_social_la_conte", "cidff"],
        ),
        ("Médiation sociale de proximité", ["mediation_audoise", "centre_social_la_conte"]),
        ("Présence éducative de rue", ["prevention_specialisee"]),
        ("Point écoute jeunes et familles", ["paej"]),
        ("Permanences d'accès aux droits", ["cidff", "droits_devant", "aide_victimes"]),
        ("Égalité filles-garçons", ["cidff", "femmes_solidaires", "mjc"]),
        ("Inclusion numérique", ["connect_quartiers", "centre_social_viguier"]),
        (
            "Sport et citoyenneté",
            ["sport_citoyennete_viguier", "us_ozanam_basket", "rugby_xiii_quartiers"],
        ),
        ("Boxe éducative", ["boxing_club"]),
        ("Judo pour tous", ["judo_bastide"]),
        ("Échecs à l'école", ["echecs"]),
        ("Éveil musical", ["musique_quartiers"]),
        ("Théâtre forum", ["theatre_quartiers"]),
        ("Danse hip-hop", ["street_culture"]),
        ("Fresque participative", ["one_one"]),
        ("Radio des habitants", ["radio_quartiers"]),
        ("Ludothèque de quartier", ["ludotheque"]),
        ("Sciences en bas des immeubles", ["sciences_quartiers"]),
        ("Prévention santé et accès aux soins", ["sante_quartiers", "ccas"]),
        ("Citoyenneté et mémoire", ["memoire_citoyennete", "ligue_enseignement"]),
        ("Loisirs éducatifs", ["mjc", "amicale_laique", "centre_social_la_conte"]),
        ("Chantiers éducatifs", ["prevention_specialisee", "regie"]),
        ("Ateliers cuisine et santé", ["epicerie_solidaire", "sante_quartiers"]),
        ("Sorties familiales", ["centre_social_la_conte", "centre_social_viguier", "ccas"]),
        ("Ateliers d'écriture", ["ligue_enseignement", "mjc"]),
        ("Couture et lien social", ["couture_solidaire"]),
        ("Valeurs de la République et laïcité", ["ligue_enseignement", "memoire_citoyennete"]),
        ("Rompre l'isolement des aînés", ["ccas", "habitants_fleming"]),
    ],
    EMPLOI: [
        ("Permanences emploi de proximité", ["mission_locale"]),
        ("Accompagnement renforcé des jeunes vers l'emploi", ["mission_locale"]),
        ("Chantier d'insertion", ["tremplin_emploi", "regie"]),
        ("Permis de conduire solidaire", ["auto_ecole_solidaire"]),
        ("Mobilité vers l'emploi", ["auto_ecole_solidaire", "cyclo_atelier"]),
        ("Accompagnement à la création d'activité", ["initiative_aude"]),
        ("Parrainage vers l'emploi", ["mission_locale", "femmes_solidaires"]),
        ("Accès des femmes à l'emploi", ["cidff", "femmes_solidaires", "couture_solidaire"]),
        ("Découverte des métiers", ["mission_locale", "sciences_quartiers"]),
        ("Savoirs de base pour l'emploi", ["alpha", "langues_cultures"]),
    ],
    CADRE_DE_VIE: [
        ("Jardins partagés", ["jardins_viguier", "habitants_fleming"]),
        ("Embellissement participatif", ["one_one", "regie", "habitants_fleming"]),
        ("Tranquillité résidentielle", ["mediation_audoise"]),
        ("Éco-gestes et précarité énergétique", ["regie", "habitants_fleming"]),
        ("Atelier vélo solidaire", ["cyclo_atelier"]),
        ("Propreté et gestion urbaine de proximité", ["regie"]),
        ("Mémoire du quartier en renouvellement", ["memoire_citoyennete", "radio_quartiers"]),
        (
            "Fonds de participation des habitants",
            ["cc_la_conte", "cc_bastide", "cc_viguier", "cc_fleming", "cc_grazailles"],
        ),
    ],
}
# Pillar → funders of droit commun that co-fund its actions.
COFINANCEURS = {
    COHESION: ["ville", "departement", "caf", "agglo", "ars"],
    EMPLOI: ["region", "departement", "agglo", "ville"],
    CADRE_DE_VIE: ["ville", "agglo", "habitat_audois", "alogea"],
}


@dataclass(frozen=True)
class Famille:
    """An action renewed year after year: one porteur, one title, one pillar."""

    porteur: str
    intitule: str
    pilier: str
    poids: int  # its relative size within its pillar


def _familles_possibles():
    """Every (porteur, title) the generator may draw, by pillar; a title takes the name of a
    quartier when the porteur already runs the theme elsewhere."""
    possibles = {}
    for pilier, themes in THEMES.items():
        combos = [(porteur, theme) for theme, porteurs in themes for porteur in porteurs]
        combos += [
            (porteur, f"{theme} — {nom}")
            for theme, porteurs in themes
            for porteur in porteurs
            for nom in NOMS_QUARTIERS.values()
        ]
        possibles[pilier] = combos
    return possibles


def _tirer_pilier(rng):
    return rng.choices([p for p, _ in TIRAGE_PILIERS], [w for _, w in TIRAGE_PILIERS])[0]


def _nouvelle_famille(rng, possibles, prises):
    pilier = _tirer_pilier(rng)
    # The plain titles first, then those named after a quartier.
    libres = [c for c in possibles[pilier] if c not in prises]
    simples = [c for c in libres if " — " not in c[1]]
    porteur, intitule = rng.choice(simples or libres)
    prises.add((porteur, intitule))
    poids = rng.choice([3, 4, 5, 6, 8, 10, 12, 15, 20])
    if pilier == EMPLOI:
        poids += 4
    return Famille(porteur, intitule, pilier, poids)


def _programmes(rng):
    """Year → [(famille, is a renewal)], the report's count of actions each year."""
    possibles, prises = _familles_possibles(), set()
    programmes, precedentes = {}, []
    for annee in ANNEES:
        total = NB_ACTIONS[annee]
        nb_reconductions = round(total * TAUX_RECONDUCTION)
        if precedentes:
            reconduites = rng.sample(precedentes, nb_reconductions)
            actions = [(famille, True) for famille in reconduites]
        else:
            # 2016 renews the 2015 programming, which the demo does not hold: no link.
            actions = []
        while len(actions) < total:
            famille = _nouvelle_famille(rng, possibles, prises)
            renouvelee = not precedentes and len(actions) < nb_reconductions
            actions.append((famille, renouvelee))
        programmes[annee] = actions
        precedentes = [famille for famille, _ in actions]
    return programmes


def _cibles(annee):
    """The year's envelope, in euros, split by pillar (multiples of 100 €)."""
    enveloppe = Decimal(ENVELOPPES[annee])
    cibles = {pilier: _centaines(enveloppe * part) for pilier, part in PARTS_PILIERS.items()}
    cibles[CADRE_DE_VIE] = enveloppe - sum(cibles.values())
    return cibles


def _montants(actions, annee, rng):
    """Each action's crédits spécifiques: its pillar's share of the envelope, spread by the
    families' weights (± 15 % a year) in hundreds of euros; the rounding goes to the largest."""
    montants = {}
    for pilier, cible in _cibles(annee).items():
        familles = [famille for famille, _ in actions if famille.pilier == pilier]
        poids = {f: Decimal(f.poids) * Decimal(rng.randint(85, 115)) for f in familles}
        total = sum(poids.values())
        for famille in familles:
            montants[famille] = (cible * poids[famille] / total // 100) * 100
        plus_grande = max(familles, key=lambda f: (montants[f], f.intitule))
        montants[plus_grande] += cible - sum(montants[f] for f in familles)
    return montants


def _quartiers(famille, annee, rng):
    """ "CODE:part;…" — the porteur's quartier first, La Conte – Ozanam favoured until 2019."""
    poids = POIDS_QUARTIERS["avant_2020" if annee < 2020 else "depuis_2020"]
    codes = {nom: code for code, nom in NOMS_QUARTIERS.items()}
    suffixe = famille.intitule.rsplit(" — ", 1)[-1] if " — " in famille.intitule else None
    premier = codes.get(suffixe) or QUARTIER_DU_PORTEUR.get(famille.porteur)
    nombre = rng.choices([1, 2, 3, 5], [45, 30, 15, 10])[0]
    if nombre == 5:
        ordre = sorted(poids, key=lambda code: (-poids[code], code))
        parts = [35, 25, 15, 13, 12] if annee < 2020 else [24, 22, 20, 17, 17]
        return ";".join(f"{code}:{part}" for code, part in zip(ordre, parts, strict=True))
    choisis = [premier] if premier else []
    while len(choisis) < nombre:
        code = rng.choices(list(poids), list(poids.values()))[0]
        if code not in choisis:
            choisis.append(code)
    if nombre == 1:
        return f"{choisis[0]}:100"
    # The first quartier takes the largest share, in steps of 5 %.
    reste, parts = 100, []
    for index in range(nombre - 1):
        restants = nombre - index - 1
        part = rng.randrange(max(5 * restants, reste // 2), reste - 5 * restants + 1, 5)
        parts.append(part)
        reste -= part
    parts.append(reste)
    parts.sort(reverse=True)
    return ";".join(f"{code}:{part}" for code, part in zip(choisis, parts, strict=True))


def _centaines(value):
    return (Decimal(value) / 100).quantize(Decimal("1")) * 100


def rows():
    """The 2016–2022 programming as import rows: {column key: value}, one per funding line."""
    rng = random.Random(SEED)
    organisations = {org.key: org for org in ORGANISATIONS}
    etat = organisations[ETAT]
    lignes = []
    for annee, actions in _programmes(rng).items():
        montants = _montants(actions, annee, rng)
        for famille, reconduction in actions:
            porteur = organisations[famille.porteur]
            action = {
                "annee": annee,
                "porteur_siret": porteur.siret,
                "porteur_nom": porteur.nom,
                "intitule": famille.intitule,
                "pilier": famille.pilier,
                "quartiers": _quartiers(famille, annee, rng),
                "reconduction": "oui" if reconduction else "non",
                "etat": SOLDEE,
            }
            accorde = montants[famille]
            hausse = Decimal(rng.choice(["1", "1", "1.1", "1.2"]))
            demande = max(accorde, _centaines(accorde * hausse))
            financements = [(etat, SPECIFIQUE, demande, accorde)]
            if rng.random() < 0.55:
                nombre = rng.choice([1, 1, 2])
                for key in rng.sample(COFINANCEURS[famille.pilier], nombre):
                    part = max(Decimal(500), _centaines(accorde * rng.randint(20, 90) / 100))
                    financements.append((organisations[key], DROIT_COMMUN, part, part))
            for financeur, nature, demande_ligne, accorde_ligne in financements:
                lignes.append(
                    action
                    | {
                        "financeur_siret": financeur.siret,
                        "financeur_nom": financeur.nom,
                        "nature": nature,
                        "montant_demande": demande_ligne,
                        "montant_accorde": accorde_ligne,
                        "montant_verse": accorde_ligne,
                    }
                )
    return lignes


def load(report, contrat, user):
    """Import the history into `contrat` through the import service, `user` recording the
    conventions and payments; counts what it created and found in the demo's report."""
    from programmation.imports import programmation_import_rows

    numbered = list(enumerate(rows(), start=2))
    resultat = programmation_import_rows(contrat=contrat, lignes=numbered, user=user)
    if resultat.erreurs:
        detail = "; ".join(f"ligne {e.ligne}, {e.colonne} : {e.message}" for e in resultat.erreurs)
        raise ValueError(f"Historique de démonstration refusé par l'import : {detail}")
    for label, n in resultat.crees.items():
        report.created[label] += n
    for counter in (resultat.modifies, resultat.inchanges):
        for label, n in counter.items():
            report.found[label] += n
    return resultat
