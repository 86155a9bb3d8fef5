"""The 2024 generation of Carcassonne Agglo's contract: "Engagements Quartiers 2030".

Illustrative content: the reference material stops at the final evaluation of June 2022. The
orientations and objectives below turn its recommendations (indicateurs resserrés, santé,
participation des habitants, GUP, tranquillité publique, emploi des jeunes) and the national
"Quartiers 2030" priorities (emploi, transition écologique, éducation, participation,
tranquillité) into a plausible contract; the signature date and the meetings are stand-ins.
"""

import datetime

from cdv.demo.contrats import CADRE_DE_VIE, COHESION, EMPLOI
from cdv.demo.gouvernance import BAILLEURS, CONSEILS, ETAT, HOTEL_AGGLO
from cdv.enums import InstanceKind

CONTRAT_2024 = {
    "nom": "Engagements Quartiers 2030 — Carcassonne Agglo",
    "annee_debut": 2024,
    "annee_fin": 2030,
    # Illustrative: the reference material gives no signature date for the 2024 contract.
    "date_signature": datetime.date(2024, 6, 27),
    "code": "CN01102I",
}

# The 2024 generation keeps the three pillars and puts the ecological transition and the
# residents' participation among the cross-cutting priorities, as "Quartiers 2030" asks.
AXES_2024 = [
    "Jeunesse",
    "Égalité entre les femmes et les hommes",
    "Lutte contre les discriminations",
    "Transition écologique",
    "Participation des habitants",
]

# Pillar → [(orientation stratégique, [objectifs opérationnels])]
OBJECTIFS_2024 = {
    COHESION: [
        (
            "Garantir la réussite éducative de chaque enfant et de chaque jeune, en alliance "
            "avec les familles",
            [
                "Conforter le programme de réussite éducative (PRE) et ses équipes "
                "pluridisciplinaires de soutien comme cadre des parcours individualisés.",
                "Prévenir le décrochage scolaire avec l'Éducation nationale, en priorité au "
                "collège, et accompagner chaque élève décrocheur vers une solution.",
                "Soutenir les parents dans leur rôle éducatif, avec le réseau de soutien à la "
                "parentalité et les centres sociaux.",
                "Ouvrir aux enfants et aux jeunes les pratiques culturelles et sportives, dans "
                "leur quartier et au-delà.",
            ],
        ),
        (
            "Investir le domaine de la santé, resté peu couvert par le précédent contrat",
            [
                "Proposer des bilans de santé et des actions de prévention au plus près des "
                "habitants, avec l'Agence régionale de santé et l'Assurance maladie.",
                "Renforcer l'écoute et le soutien psychologique des jeunes et de leurs familles.",
                "Veiller au maintien d'une offre de soins de proximité dans les quartiers où "
                "cabinets médicaux et pharmacies ferment.",
            ],
        ),
        (
            "Rapprocher les services publics des habitants et les associer à la vie du contrat",
            [
                "Maintenir des permanences des services publics dans chaque quartier et "
                "accompagner les habitants éloignés du numérique dans leurs démarches.",
                "Poursuivre l'apprentissage du français (alphabétisation, FLE, illettrisme), "
                "condition de l'autonomie et de l'accès aux droits.",
                "Renouveler les conseils citoyens et ouvrir d'autres espaces d'expression, "
                "comme les associations de locataires, pour co-construire les actions.",
                "Faire vivre une animation régulière entre quartiers et entre acteurs, pour "
                "partager l'information et monter des projets communs.",
            ],
        ),
    ],
    EMPLOI: [
        (
            "Renforcer l'accès des jeunes des quartiers à l'emploi et à la formation",
            [
                "Aller vers les jeunes ni en emploi, ni en études, ni en formation, inconnus "
                "des dispositifs, avec les centres sociaux et les acteurs de prévention.",
                "Mobiliser le contrat d'engagement jeune de la Mission locale et de France "
                "Travail au bénéfice des jeunes des quartiers prioritaires.",
                "Multiplier les immersions en entreprise et les découvertes des métiers, "
                "notamment ceux du tourisme proches de la Cité.",
            ],
        ),
        (
            "Inscrire les quartiers dans le réseau pour l'emploi et rapprocher les habitants "
            "du monde économique",
            [
                "Faire des habitants des quartiers prioritaires une cible du réseau pour "
                "l'emploi, avec France Travail et le Département pour les allocataires du RSA.",
                "Développer les clauses d'insertion dans les marchés publics et les chantiers "
                "tremplin de la régie de quartiers.",
                "Donner à l'entreprise une place dans les parcours : parrainage, rencontres "
                "avec les employeurs et recrutements organisés dans les quartiers.",
                "Offrir un premier accueil de proximité, simple, aux habitants qui ne "
                "fréquentent pas les services de l'emploi.",
            ],
        ),
        (
            "Encourager l'entrepreneuriat et l'activité économique dans les quartiers",
            [
                "Conforter CitésLab comme référent du parcours du créateur, de la détection à "
                "l'orientation vers les réseaux d'accompagnement.",
                "Poursuivre la sensibilisation à l'entrepreneuriat auprès des collégiens, des "
                "lycéens et des étudiants.",
                "Soutenir le maintien et la reprise des commerces et des services de "
                "proximité, avec la chambre de commerce et la chambre de métiers.",
            ],
        ),
    ],
    CADRE_DE_VIE: [
        (
            "Engager les quartiers dans la transition écologique",
            [
                "Lutter contre la précarité énergétique par la rénovation thermique des "
                "logements sociaux et le repérage des ménages en difficulté.",
                "Végétaliser les espaces publics et développer les jardins partagés pour "
                "rafraîchir les quartiers en été.",
                "Sensibiliser les habitants au tri, à la réduction des déchets et à la "
                "réparation des objets.",
                "Développer les mobilités douces et la desserte des quartiers en transports en "
                "commun sur des horaires étendus.",
            ],
        ),
        (
            "Faire de la gestion urbaine de proximité le levier d'un cadre de vie partagé",
            [
                "Renouveler la convention de gestion urbaine de proximité et la convention "
                "d'utilisation de l'abattement de TFPB avec les trois bailleurs.",
                "Tenir des diagnostics en marchant réguliers dans chaque quartier et suivre "
                "les réponses apportées aux signalements.",
                "Étendre le groupement de commande de la régie de quartiers à d'autres "
                "quartiers prioritaires, dont Saint-Jacques et Bastide – Pont-Vieux.",
                "Associer davantage les habitants à la qualité de leur cadre de vie par des "
                "actions de sensibilisation et des chantiers participatifs.",
            ],
        ),
        (
            "Améliorer la tranquillité publique et la sécurité du quotidien",
            [
                "Apporter des réponses coordonnées aux trafics qui pèsent sur la vie des "
                "habitants, en priorité à Fleming et à Grazailles, dans le cadre du CLSPD.",
                "Pérenniser la médiation sociale et la médiation nocturne inter-bailleurs.",
                "Sécuriser les abords des établissements scolaires et les parties communes des "
                "immeubles.",
            ],
        ),
    ],
}

# Organisation key → qualité. The 2015 partners, all still at work in the quartiers; the
# service public de l'emploi is now France Travail, operator of the réseau pour l'emploi.
SIGNATAIRES_2024 = {
    "agglo": "pilote, EPCI porteur du contrat",
    "prefecture": "co-pilote, État",
    "ville": "signataire, commune des quartiers prioritaires",
    "cias": "signataire, action sociale intercommunale",
    "departement": "co-financeur, insertion et solidarités",
    "region": "co-financeur, formation et développement économique",
    "caf": "co-financeur, familles et parentalité",
    "cdc": "co-financeur, investissement et ingénierie",
    "france_travail": "partenaire emploi, opérateur du réseau pour l'emploi",
    "mission_locale": "partenaire emploi des jeunes",
    "cci": "partenaire développement économique",
    "cma": "partenaire développement économique",
    "dsden": "partenaire éducation",
    "ars": "partenaire santé",
    "parquet": "partenaire justice et tranquillité publique",
    "habitat_audois": "bailleur signataire",
    "alogea": "bailleur signataire",
    "marcou_habitat": "bailleur signataire",
}

COPIL = "Comité de pilotage Quartiers 2030"
COTECH = "Comité technique Quartiers 2030"

# Instance name → (kind, member organisation keys)
INSTANCES_2024 = {
    COPIL: (InstanceKind.COPIL, [*SIGNATAIRES_2024, "delegue_prefet", "ddets", *CONSEILS]),
    COTECH: (
        InstanceKind.COTECH,
        ["agglo", *ETAT, "ville", "departement", "caf", "france_travail", "mission_locale"]
        + ["dsden", "ars", *BAILLEURS, "regie"],
    ),
}

# (instance, date, lieu, ordre du jour, participants — None: every member, [] : not yet
# held, détail, décisions). The last COPIL is ahead, so the home page has a next meeting.
REUNIONS_2024 = [
    (
        COTECH,
        datetime.date(2025, 3, 20),
        HOTEL_AGGLO,
        "Installation du comité technique ; tableau de bord d'indicateurs resserrés et "
        "partagés ; priorités de l'appel à projets 2025.",
        None,
        "Équipe politique de la ville de l'Agglo ; délégué du préfet ; techniciens des "
        "partenaires et des bailleurs.",
        "Un socle de quinze indicateurs, cinq par pilier, est proposé au comité de pilotage ; "
        "chaque partenaire désigne un référent chargé de les renseigner une fois par an.",
    ),
    (
        COPIL,
        datetime.date(2025, 6, 26),
        HOTEL_AGGLO,
        "Première revue annuelle du contrat ; adoption des indicateurs ; conventions "
        "pluriannuelles d'objectifs ; renouvellement des conseils citoyens.",
        None,
        "Président de Carcassonne Agglo ; préfet de l'Aude ; maire de Carcassonne ; "
        "représentants des signataires et des conseils citoyens.",
        "Les quinze indicateurs sont adoptés. Des conventions pluriannuelles d'objectifs "
        "(2025–2027) sont proposées aux porteurs des actions structurantes. Les conseils "
        "citoyens sont renouvelés d'ici la fin de l'année et deux de leurs membres siègent au "
        "comité de pilotage.",
    ),
    (
        COTECH,
        datetime.date(2026, 10, 8),
        "Centre social et culturel La Conte – Ozanam",
        "Bilan intermédiaire de la programmation 2026 ; premiers bilans de santé dans les "
        "quartiers ; préparation de la revue annuelle.",
        None,
        "Équipe politique de la ville de l'Agglo ; délégué du préfet ; techniciens des "
        "partenaires ; déléguée départementale de l'ARS.",
        "Les bilans de santé sont étendus à Fleming et à Grazailles en 2027. Le tableau de bord "
        "des indicateurs sera présenté au prochain comité de pilotage.",
    ),
    (
        COPIL,
        datetime.date(2027, 1, 14),
        HOTEL_AGGLO,
        "Revue annuelle 2026 du contrat ; calendrier de l'évaluation à mi-parcours ; "
        "orientations de l'appel à projets 2027.",
        [],
        "",
        "",
    ),
]
