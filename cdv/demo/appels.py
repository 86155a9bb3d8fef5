"""Calls for projects of the 2024 contract and a handful of actions at every stage.

Illustrative content: the demo is dated 25 November 2026. The 2026 call has been through its
committee (March 2026); the call for the 2027 programming opened on 2 November 2026, and the
first applications are coming in and being examined as they arrive. Amounts are plausible for
Carcassonne (about 1.1 M€ of the État's crédits spécifiques a year, 2021–2022), not real.

Objectives are given as (orientation, objectif opérationnel) indexes into
contrat2024.OBJECTIFS_2024; organisations by their key in organisations.py.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from cdv.demo.contrats import CADRE_DE_VIE, COHESION, EMPLOI
from programmation.enums import EtatAppel, NatureFinancement

SPECIFIQUE = NatureFinancement.SPECIFIQUE
DROIT_COMMUN = NatureFinancement.DROIT_COMMUN
# The État's crédits spécifiques (BOP 147, ANCT) are asked from the prefecture, co-pilot
# of the contract; its instructor is the demo "instructeur financeur".
ETAT = "prefecture"
LIBELLE_FINANCEUR = {
    "prefecture": "État — ANCT, crédits spécifiques politique de la ville",
    "agglo": "Carcassonne Agglo — politique de la ville",
    "ville": "Ville de Carcassonne",
    "departement": "Département de l'Aude",
    "caf": "Caf de l'Aude",
    "ars": "Agence régionale de santé",
    "habitat_audois": "Habitat Audois — abattement de TFPB",
}

APPEL_2026 = "2026"
APPEL_2027 = "2027"


@dataclass(frozen=True)
class DemoAppel:
    key: str
    annee: int
    titre: str
    etat: str
    note_de_cadrage: str
    calendrier: dict
    # pilier → (texte, [(orientation, objectif opérationnel)])
    priorites: dict
    # organisation key → montant indicatif
    enveloppes: dict


def _euros(**amounts):
    return {key: Decimal(value) for key, value in amounts.items()}


APPELS = [
    DemoAppel(
        key=APPEL_2026,
        annee=2026,
        titre="Appel à projets 2026 — Contrat de ville de Carcassonne Agglo",
        etat=EtatAppel.PROGRAMME,
        note_de_cadrage=(
            "Deuxième appel à projets du contrat Engagements Quartiers 2030. Les actions "
            "s'adressent en priorité aux habitants des cinq quartiers prioritaires ; les "
            "reconductions présentent le bilan de l'année précédente."
        ),
        calendrier={
            "date_ouverture": datetime.date(2025, 11, 3),
            "date_cloture": datetime.date(2026, 1, 16),
            "date_limite_instruction": datetime.date(2026, 2, 20),
            "date_comite": datetime.date(2026, 3, 6),
            "date_limite_bilan": datetime.date(2027, 6, 30),
        },
        priorites={
            COHESION: (
                "Réussite éducative, soutien à la parentalité et santé de proximité.",
                [(0, 2), (1, 0)],
            ),
            EMPLOI: (
                "Accès des jeunes et des femmes à l'emploi et à la mobilité.",
                [(0, 0), (1, 0)],
            ),
            CADRE_DE_VIE: (
                "Participation des habitants à l'amélioration de leur cadre de vie.",
                [(1, 3)],
            ),
        },
        enveloppes=_euros(
            prefecture="1080000", agglo="175000", ville="150000", departement="85000", caf="55000"
        ),
    ),
    DemoAppel(
        key=APPEL_2027,
        annee=2027,
        # Launched in November 2026, the call is named after the year it programmes.
        titre="Appel à projets 2027 — Contrat de ville de Carcassonne Agglo",
        etat=EtatAppel.OUVERT,
        note_de_cadrage=(
            "L'appel à projets 2027 finance des actions conduites au bénéfice des habitants "
            "des quartiers prioritaires de Carcassonne. Les demandes inférieures à 5 000 € "
            "relèvent du formulaire simplifié. Les actions reconduites joignent le bilan "
            "de l'action précédente ; les porteurs sont invités à solliciter le droit commun "
            "de leurs partenaires avant les crédits spécifiques."
        ),
        calendrier={
            "date_ouverture": datetime.date(2026, 11, 2),
            "date_cloture": datetime.date(2027, 1, 15),
            "date_limite_instruction": datetime.date(2027, 2, 12),
            "date_comite": datetime.date(2027, 3, 5),
            "date_limite_bilan": datetime.date(2028, 6, 30),
        },
        priorites={
            COHESION: (
                "Prévenir le décrochage scolaire au collège, soutenir les parents, investir la "
                "santé (prévention, écoute des jeunes) et l'apprentissage du français.",
                [(0, 1), (0, 2), (1, 0), (1, 1), (2, 1)],
            ),
            EMPLOI: (
                "Aller vers les jeunes sans emploi ni formation, rapprocher les habitants des "
                "entreprises et lever les freins à l'emploi, dont la mobilité.",
                [(0, 0), (1, 0), (1, 2)],
            ),
            CADRE_DE_VIE: (
                "Transition écologique des quartiers (jardins, réemploi, précarité "
                "énergétique), chantiers participatifs et tranquillité publique.",
                [(0, 1), (0, 2), (1, 3), (2, 1)],
            ),
        },
        enveloppes=_euros(
            prefecture="1100000", agglo="180000", ville="150000", departement="90000", caf="60000"
        ),
    ),
]


@dataclass(frozen=True)
class DemoFinancement:
    financeur: str
    nature: str
    demande: Decimal
    accorde: Decimal | None = None


@dataclass(frozen=True)
class DemoAction:
    appel: str
    porteur: str
    intitule: str
    pilier: str
    objectif: tuple
    thematique: str
    description: str
    objectifs_action: str
    public_vise: str
    beneficiaires_prevus: int
    part_femmes: Decimal
    part_qpv: Decimal
    tranches_age: str
    date_debut: datetime.date
    date_fin: datetime.date
    lieux: str
    moyens_humains: str
    quartiers: dict
    indicateurs: list
    # Charges and non-subsidy resources: (compte, libellé, montant). The subsidy lines
    # (compte 74) are those of `financements`.
    charges: list
    autres_produits: list
    financements: list
    # Dates of the steps along CIRCUIT (none: still a draft).
    etapes: list = field(default_factory=list)
    axes: list = field(default_factory=list)
    en_nature: Decimal = Decimal("0")
    reconduction_de: str = ""
    # The État's opinion before the committee: (sens, commentaire, annotation privée).
    avis_etat: tuple | None = None


# The usual path of an application, in the order of the workflow table.
CIRCUIT = ["deposer", "instruire", "solliciter_avis", "programmer", "conventionner"]
COMITE_2026 = "Décision du comité de programmation du 6 mars 2026."


def _d(text):
    return datetime.date.fromisoformat(text)


def _lines(*rows):
    return [(compte, libelle, Decimal(montant)) for compte, libelle, montant in rows]


def _fin(financeur, nature, demande, accorde=None):
    return DemoFinancement(
        financeur, nature, Decimal(demande), None if accorde is None else Decimal(accorde)
    )


PARENTS_ENFANTS = "Ateliers parents-enfants du mercredi"

ACTIONS = [
    DemoAction(
        appel=APPEL_2026,
        porteur="centre_social_la_conte",
        intitule=PARENTS_ENFANTS,
        pilier=COHESION,
        objectif=(0, 2),
        thematique="2.2",
        axes=["Égalité entre les femmes et les hommes"],
        description=(
            "Chaque mercredi, des ateliers partagés entre parents et enfants (jeux, cuisine, "
            "lecture, sorties) animés par la référente familles du centre social."
        ),
        objectifs_action="Renforcer le lien parent-enfant et rompre l'isolement des familles.",
        public_vise="Familles des quartiers La Conte – Ozanam et Le Viguier",
        beneficiaires_prevus=60,
        part_femmes=Decimal("70"),
        part_qpv=Decimal("85"),
        tranches_age="3–11 ans et leurs parents",
        date_debut=_d("2026-01-07"),
        date_fin=_d("2026-12-16"),
        lieux="Centre social La Conte – Ozanam, médiathèque Grain d'Sel",
        moyens_humains="Une référente familles à mi-temps, deux bénévoles.",
        quartiers={"La Conte – Ozanam": Decimal("80"), "Le Viguier – Saint-Jacques": Decimal("20")},
        indicateurs=[("Familles participantes", 40), ("Ateliers tenus", 36)],
        charges=_lines(
            ("60", "Matériel pédagogique et goûters", "1800"),
            ("61", "Location de salle", "1200"),
            ("62", "Intervenants extérieurs", "3000"),
            ("64", "Référente familles (0,5 ETP)", "14500"),
            ("CI", "Frais de structure", "1500"),
        ),
        autres_produits=_lines(
            ("70", "Participation des familles", "500"),
            ("RP", "Fonds propres", "3500"),
        ),
        financements=[
            _fin(ETAT, SPECIFIQUE, "7000", "6500"),
            _fin("agglo", SPECIFIQUE, "3000", "3000"),
            _fin("ville", SPECIFIQUE, "3500", "3500"),
            _fin("caf", DROIT_COMMUN, "4500", "4500"),
        ],
        en_nature=Decimal("2000"),
        etapes=["2026-01-12", "2026-01-26", "2026-02-16", "2026-03-06", "2026-04-14"],
        avis_etat=(
            "favorable",
            "Action reconduite aux bons résultats ; montant ajusté à l'enveloppe.",
            "Vérifier le bilan 2025 avant le versement du solde.",
        ),
    ),
    DemoAction(
        appel=APPEL_2026,
        porteur="auto_ecole_solidaire",
        intitule="Permis de conduire solidaire pour l'emploi",
        pilier=EMPLOI,
        objectif=(1, 0),
        thematique="5.1",
        axes=["Jeunesse"],
        description=(
            "Préparation au code et à la conduite pour des demandeurs d'emploi des quartiers "
            "dont l'absence de permis bloque un retour à l'emploi, orientés par France Travail "
            "et la Mission locale."
        ),
        objectifs_action="Obtenir le permis B et lever le frein de la mobilité.",
        public_vise="Demandeurs d'emploi orientés par le réseau pour l'emploi",
        beneficiaires_prevus=24,
        part_femmes=Decimal("50"),
        part_qpv=Decimal("100"),
        tranches_age="18–45 ans",
        date_debut=_d("2026-03-16"),
        date_fin=_d("2026-12-18"),
        lieux="Auto-école solidaire, avenue du Général Leclerc",
        moyens_humains="Deux moniteurs diplômés, une conseillère en insertion.",
        quartiers={
            "La Conte – Ozanam": Decimal("40"),
            "Grazailles": Decimal("30"),
            "Le Viguier – Saint-Jacques": Decimal("30"),
        },
        indicateurs=[("Permis obtenus", 15), ("Personnes en emploi à six mois", 10)],
        charges=_lines(
            ("60", "Carburant", "2500"),
            ("61", "Véhicule à double commande et assurance", "6000"),
            ("64", "Moniteurs", "18000"),
            ("CI", "Frais de structure", "1500"),
        ),
        autres_produits=_lines(
            ("70", "Participation des stagiaires", "2400"),
            ("RP", "Fonds propres", "7600"),
        ),
        financements=[
            _fin(ETAT, SPECIFIQUE, "8000", "8000"),
            _fin("agglo", SPECIFIQUE, "4000", "4000"),
            _fin("departement", DROIT_COMMUN, "6000", "5000"),
        ],
        etapes=["2026-01-14", "2026-01-27", "2026-02-16", "2026-03-06"],
        avis_etat=("favorable", "Frein à l'emploi bien identifié.", ""),
    ),
    DemoAction(
        appel=APPEL_2026,
        porteur="one_one",
        intitule="Fresque participative des habitants de Grazailles",
        pilier=CADRE_DE_VIE,
        objectif=(1, 3),
        thematique="3.1",
        axes=["Participation des habitants", "Jeunesse"],
        description=(
            "Conception avec les habitants puis réalisation d'une fresque sur le pignon d'un "
            "immeuble d'Habitat Audois, avec des ateliers de dessin pour les jeunes."
        ),
        objectifs_action="Associer les habitants à l'embellissement de leur quartier.",
        public_vise="Habitants et jeunes de Grazailles",
        beneficiaires_prevus=80,
        part_femmes=Decimal("45"),
        part_qpv=Decimal("95"),
        tranches_age="Tous âges",
        date_debut=_d("2026-04-01"),
        date_fin=_d("2026-10-30"),
        lieux="Rue Jean-Baptiste Lully, maison de quartier de Grazailles",
        moyens_humains="Deux artistes, un médiateur.",
        quartiers={"Grazailles": Decimal("100")},
        indicateurs=[("Habitants associés aux ateliers", 80)],
        charges=_lines(
            ("60", "Peintures et matériel", "4500"),
            ("61", "Location de nacelle", "2000"),
            ("62", "Honoraires des artistes", "6000"),
            ("64", "Médiation", "1500"),
            ("CI", "Frais de structure", "1000"),
        ),
        autres_produits=_lines(("RP", "Fonds propres", "2000")),
        financements=[
            _fin(ETAT, SPECIFIQUE, "5000", "5000"),
            _fin("agglo", SPECIFIQUE, "2000", "2000"),
            _fin("ville", SPECIFIQUE, "3000", "3000"),
            _fin("habitat_audois", DROIT_COMMUN, "3000", "3000"),
        ],
        etapes=["2026-01-15", "2026-01-28", "2026-02-16", "2026-03-06", "2026-04-20"],
        avis_etat=("favorable", "", ""),
    ),
    # The 2027 call: the demo porteur's renewal is still a draft it can complete and submit.
    DemoAction(
        appel=APPEL_2027,
        porteur="centre_social_la_conte",
        intitule=PARENTS_ENFANTS,
        reconduction_de=PARENTS_ENFANTS,
        pilier=COHESION,
        objectif=(0, 2),
        thematique="2.2",
        axes=["Égalité entre les femmes et les hommes"],
        description=(
            "Reconduction des ateliers du mercredi, ouverts aux familles du Viguier par une "
            "séance par mois au centre social Le Viguier – Saint-Jacques."
        ),
        objectifs_action="Renforcer le lien parent-enfant et rompre l'isolement des familles.",
        public_vise="Familles des quartiers La Conte – Ozanam et Le Viguier",
        beneficiaires_prevus=70,
        part_femmes=Decimal("70"),
        part_qpv=Decimal("85"),
        tranches_age="3–11 ans et leurs parents",
        date_debut=_d("2027-01-06"),
        date_fin=_d("2027-12-15"),
        lieux="Centre social La Conte – Ozanam, centre social Le Viguier – Saint-Jacques",
        moyens_humains="Une référente familles à mi-temps, trois bénévoles.",
        quartiers={"La Conte – Ozanam": Decimal("70"), "Le Viguier – Saint-Jacques": Decimal("30")},
        indicateurs=[("Familles participantes", 45), ("Ateliers tenus", 40)],
        charges=_lines(
            ("60", "Matériel pédagogique et goûters", "1900"),
            ("61", "Location de salle", "1200"),
            ("62", "Intervenants extérieurs", "3200"),
            ("64", "Référente familles (0,5 ETP)", "15100"),
            ("CI", "Frais de structure", "1600"),
        ),
        autres_produits=_lines(
            ("70", "Participation des familles", "500"),
            ("RP", "Fonds propres", "4000"),
        ),
        financements=[
            _fin(ETAT, SPECIFIQUE, "7500"),
            _fin("agglo", SPECIFIQUE, "3000"),
            _fin("ville", SPECIFIQUE, "3500"),
            _fin("caf", DROIT_COMMUN, "4500"),
        ],
        en_nature=Decimal("2000"),
    ),
    DemoAction(
        appel=APPEL_2027,
        porteur="mission_locale",
        intitule="Aller vers les jeunes des quartiers",
        pilier=EMPLOI,
        objectif=(0, 0),
        thematique="5.1",
        axes=["Jeunesse"],
        description=(
            "Des conseillers de la Mission locale vont au-devant des jeunes sans emploi ni "
            "formation, en pied d'immeuble et avec les centres sociaux, pour les accompagner "
            "vers le contrat d'engagement jeune."
        ),
        objectifs_action="Repérer et accompagner les jeunes inconnus des dispositifs.",
        public_vise="Jeunes de 16 à 25 ans ni en emploi, ni en études, ni en formation",
        beneficiaires_prevus=120,
        part_femmes=Decimal("45"),
        part_qpv=Decimal("100"),
        tranches_age="16–25 ans",
        date_debut=_d("2027-01-04"),
        date_fin=_d("2027-12-17"),
        lieux="Les cinq quartiers prioritaires",
        moyens_humains="Deux conseillers en insertion.",
        quartiers={
            "La Conte – Ozanam": Decimal("30"),
            "Le Viguier – Saint-Jacques": Decimal("25"),
            "Bastide – Pont-Vieux": Decimal("20"),
            "Fleming – La Reille": Decimal("10"),
            "Grazailles": Decimal("15"),
        },
        indicateurs=[("Jeunes repérés", 120), ("Jeunes entrés en contrat d'engagement", 50)],
        charges=_lines(
            ("60", "Fournitures", "1500"),
            ("62", "Déplacements", "2500"),
            ("64", "Conseillers en insertion", "32000"),
            ("CI", "Frais de structure", "4000"),
        ),
        autres_produits=_lines(("RP", "Fonds propres", "10000")),
        financements=[
            _fin(ETAT, SPECIFIQUE, "15000"),
            _fin("agglo", SPECIFIQUE, "6000"),
            _fin("ville", SPECIFIQUE, "4000"),
            _fin("departement", DROIT_COMMUN, "5000"),
        ],
        etapes=["2026-11-19"],
    ),
    DemoAction(
        appel=APPEL_2027,
        porteur="alpha",
        intitule="Ateliers sociolinguistiques de proximité",
        pilier=COHESION,
        objectif=(2, 1),
        thematique="2.3",
        axes=["Égalité entre les femmes et les hommes"],
        description=(
            "Ateliers de français à visée sociale et professionnelle, deux matinées par "
            "semaine dans trois quartiers, avec une garde d'enfants sur place."
        ),
        objectifs_action="Gagner en autonomie à l'oral et à l'écrit dans la vie quotidienne.",
        public_vise="Adultes non francophones ou en situation d'illettrisme",
        beneficiaires_prevus=75,
        part_femmes=Decimal("80"),
        part_qpv=Decimal("90"),
        tranches_age="Adultes",
        date_debut=_d("2027-01-11"),
        date_fin=_d("2027-12-10"),
        lieux="Maisons de quartier de Bastide, du Viguier et de La Conte",
        moyens_humains="Deux formatrices, quatre bénévoles.",
        quartiers={
            "Bastide – Pont-Vieux": Decimal("50"),
            "Le Viguier – Saint-Jacques": Decimal("30"),
            "La Conte – Ozanam": Decimal("20"),
        },
        indicateurs=[("Apprenants assidus", 60), ("Apprenants gagnant un niveau", 30)],
        charges=_lines(
            ("60", "Supports pédagogiques", "1200"),
            ("61", "Location de salles", "1800"),
            ("64", "Formatrices", "21000"),
            ("CI", "Frais de structure", "2000"),
        ),
        autres_produits=_lines(
            ("75", "Cotisations des membres", "500"),
            ("RP", "Fonds propres", "4500"),
        ),
        financements=[
            _fin(ETAT, SPECIFIQUE, "11000"),
            _fin("agglo", SPECIFIQUE, "4000"),
            _fin("ville", SPECIFIQUE, "3000"),
            _fin("departement", DROIT_COMMUN, "3000"),
        ],
        en_nature=Decimal("3000"),
        etapes=["2026-11-09", "2026-11-16"],
    ),
    DemoAction(
        appel=APPEL_2027,
        porteur="sante_quartiers",
        intitule="Bilans de santé et prévention au plus près des habitants",
        pilier=COHESION,
        objectif=(1, 0),
        thematique="2.1",
        axes=[],
        description=(
            "Journées de prévention dans les quartiers avec le centre d'examens de santé de "
            "l'Assurance maladie : bilans, dépistages, orientation vers un médecin traitant."
        ),
        objectifs_action="Rapprocher de la prévention et des soins les habitants qui y renoncent.",
        public_vise="Habitants de Fleming, Grazailles et du Viguier",
        beneficiaires_prevus=200,
        part_femmes=Decimal("55"),
        part_qpv=Decimal("90"),
        tranches_age="16 ans et plus",
        date_debut=_d("2027-02-01"),
        date_fin=_d("2027-11-30"),
        lieux="Places et maisons de quartier de Fleming, Grazailles et du Viguier",
        moyens_humains="Une coordinatrice à mi-temps, des professionnels de santé vacataires.",
        quartiers={
            "Fleming – La Reille": Decimal("40"),
            "Grazailles": Decimal("35"),
            "Le Viguier – Saint-Jacques": Decimal("25"),
        },
        indicateurs=[("Bilans de santé réalisés", 150), ("Orientations vers un médecin", 60)],
        charges=_lines(
            ("60", "Fournitures", "1000"),
            ("61", "Locations", "1000"),
            ("62", "Honoraires des intervenants", "4000"),
            ("64", "Coordinatrice (0,5 ETP)", "16000"),
        ),
        autres_produits=_lines(("RP", "Fonds propres", "3000")),
        financements=[
            _fin(ETAT, SPECIFIQUE, "9000"),
            _fin("agglo", SPECIFIQUE, "4000"),
            _fin("ars", DROIT_COMMUN, "6000"),
        ],
        etapes=["2026-11-04", "2026-11-09", "2026-11-23"],
    ),
]
