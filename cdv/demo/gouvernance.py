"""Governance of the 2015 contract: its instances and a few of their meetings (2019–2022).

Only the COPIL of 29 June 2022, where the final evaluation was presented, has its date in the
report; the other dates are plausible stand-ins. The yearly programmation figures quoted in
the decisions (actions and crédits spécifiques) are the report's.
"""

import datetime

from cdv.demo.contrats import SIGNATAIRES_2015
from cdv.enums import InstanceKind

ETAT = ["prefecture", "delegue_prefet", "ddets"]
BAILLEURS = ["habitat_audois", "alogea", "marcou_habitat"]
CONSEILS = ["cc_bastide", "cc_la_conte", "cc_viguier", "cc_fleming", "cc_grazailles"]

COPIL = "Comité de pilotage du contrat de ville"
COTECH = "Comité technique du contrat de ville"
FINANCEURS = "Comité des financeurs de l'appel à projets"
COTECH_GUP = "Comité technique de la gestion urbaine de proximité"

# Instance name → (kind, member organisation keys)
INSTANCES_2015 = {
    COPIL: (InstanceKind.COPIL, [*SIGNATAIRES_2015, "delegue_prefet", "ddets", *CONSEILS]),
    COTECH: (
        InstanceKind.COTECH,
        ["agglo", *ETAT, "ville", "departement", "caf", "france_travail", "mission_locale"]
        + ["dsden", *BAILLEURS],
    ),
    FINANCEURS: (
        InstanceKind.COMITE_FINANCEURS,
        ["agglo", *ETAT, "ville", "departement", "region", "caf"],
    ),
    # Set up by the GUP convention signed in 2018 for three years.
    COTECH_GUP: (
        InstanceKind.COTECH,
        ["agglo", "delegue_prefet", "ville", *BAILLEURS, "regie", *CONSEILS],
    ),
}

HOTEL_AGGLO = "Hôtel d'agglomération, 1 rue Pierre Germain, Carcassonne"


def _programmation(annee, actions, credits):
    return (
        f"Programmation {annee} arrêtée : {actions} actions retenues pour environ "
        f"{credits} de crédits spécifiques. Les dossiers ajournés sont réorientés vers le droit "
        "commun des partenaires. Notification aux porteurs sous quinze jours."
    )


# (instance, date, lieu, ordre du jour, participants — None: every member, détail, décisions)
REUNIONS_2015 = [
    (
        FINANCEURS,
        datetime.date(2019, 3, 14),
        HOTEL_AGGLO,
        "Examen des demandes de l'appel à projets 2019 ; avis des financeurs ; répartition des "
        "crédits spécifiques et du droit commun.",
        None,
        "Vice-président de Carcassonne Agglo délégué à la politique de la ville ; délégué du "
        "préfet ; représentants de la Ville, du Département, de la Région et de la CAF ; "
        "équipe politique de la ville de l'Agglo.",
        _programmation(2019, 85, "969 000 €"),
    ),
    (
        COPIL,
        datetime.date(2019, 7, 4),
        HOTEL_AGGLO,
        "Prolongation du contrat de ville jusqu'en 2022 ; présentation du protocole "
        "d'engagements renforcés et réciproques (PERR) ; bilan de la programmation 2018.",
        None,
        "Président de Carcassonne Agglo ; préfet de l'Aude ; maire de Carcassonne ; "
        "représentants des signataires et des conseils citoyens.",
        "Le PERR est approuvé et annexé au contrat, prolongé jusqu'au 31 décembre 2022. Les "
        "signataires déclinent leurs engagements en fiches-actions suivies en comité technique.",
    ),
    (
        COTECH_GUP,
        datetime.date(2019, 10, 17),
        "Centre social et culturel La Conte – Ozanam",
        "Restitution des diagnostics en marchant 2019 ; document de suivi des signalements ; "
        "encombrants et véhicules ventouses.",
        None,
        "Chargé de mission GUP de l'Agglo ; services techniques de la Ville ; responsables de "
        "secteur des trois bailleurs ; directeur de la régie de quartiers ; membres des "
        "conseils citoyens.",
        "Le document de suivi est adopté comme feuille de route de la GUP. Un protocole sur les "
        "véhicules ventouses est engagé avec la police municipale, la régie et les bailleurs.",
    ),
    (
        FINANCEURS,
        datetime.date(2020, 5, 14),
        "Visioconférence (crise sanitaire)",
        "Appel à projets 2020 dans le contexte du confinement ; adaptation des actions ; "
        "soutien exceptionnel aux porteurs.",
        None,
        "Délégué du préfet ; équipe politique de la ville de l'Agglo ; représentants de la "
        "Ville, du Département, de la Région et de la CAF.",
        _programmation(2020, 78, "1 096 000 €")
        + " Les actions empêchées par la crise peuvent être reportées sans perte de la "
        "subvention.",
    ),
    (
        COPIL,
        datetime.date(2021, 6, 24),
        HOTEL_AGGLO,
        "Bilan de la programmation 2020 ; abattement de TFPB des bailleurs ; point sur le PRE "
        "et CitésLab.",
        None,
        "Vice-président de Carcassonne Agglo ; sous-préfet ; délégué du préfet ; représentants "
        "des signataires et des conseils citoyens.",
        "Le bilan 2020 est validé. Les bailleurs présentent l'emploi de l'abattement de TFPB, "
        "au-delà de 700 000 € en 2021 pour Habitat Audois et Alogea.",
    ),
    (
        COTECH_GUP,
        datetime.date(2021, 11, 18),
        HOTEL_AGGLO,
        "Bilan du projet inter-bailleurs de médiation nocturne ; propreté du quartier "
        "Saint-Jacques ; lettre GUP aux habitants.",
        ["agglo", "delegue_prefet", "ville", *BAILLEURS, "regie"],
        "Chargé de mission GUP de l'Agglo ; délégué du préfet ; services de la Ville ; trois "
        "bailleurs ; régie de quartiers.",
        "La médiation nocturne (19 h – 21 h) est reconduite en 2022. L'extension du groupement "
        "de commande de la régie au quartier Saint-Jacques sera étudiée avec la Ville.",
    ),
    (
        COPIL,
        datetime.date(2022, 1, 27),
        HOTEL_AGGLO,
        "Lancement de l'évaluation finale du contrat de ville (instruction du 14 décembre "
        "2021) : questions évaluatives, calendrier, référentiel.",
        None,
        "Vice-président de Carcassonne Agglo ; délégué du préfet ; représentants des "
        "signataires ; cabinet chargé de l'évaluation.",
        "Le référentiel d'évaluation et le calendrier en trois phases sont validés ; une "
        "enquête auprès des habitants et des porteurs de projet est lancée.",
    ),
    (
        FINANCEURS,
        datetime.date(2022, 3, 17),
        HOTEL_AGGLO,
        "Examen des demandes de l'appel à projets 2022.",
        None,
        "Délégué du préfet ; équipe politique de la ville de l'Agglo ; représentants de la "
        "Ville, du Département, de la Région et de la CAF.",
        _programmation(2022, 93, "1 108 000 €"),
    ),
    (
        COTECH,
        datetime.date(2022, 5, 19),
        HOTEL_AGGLO,
        "Évaluation finale : restitution du diagnostic actualisé des quartiers et du bilan "
        "physico-financier ; travail sur les conclusions.",
        None,
        "Équipe politique de la ville de l'Agglo ; délégué du préfet ; techniciens des "
        "partenaires ; cabinet chargé de l'évaluation.",
        "Les pistes de recommandations sont arrêtées pour présentation au comité de pilotage.",
    ),
    (
        COPIL,
        datetime.date(2022, 6, 29),
        HOTEL_AGGLO,
        "Présentation et discussion du rapport final de l'évaluation du contrat de ville ; "
        "conclusions et pistes de recommandations pour le prochain contrat.",
        None,
        "Président de Carcassonne Agglo ; préfet de l'Aude ; maire de Carcassonne ; "
        "représentants des signataires et des conseils citoyens ; cabinet chargé de "
        "l'évaluation.",
        "Le rapport final est présenté. Pistes retenues pour le prochain contrat : disposer "
        "d'indicateurs resserrés et partagés ; inscrire le contrat dans le projet de territoire "
        "avec des lignes directrices par quartier ; renforcer la transversalité (jeunesse, "
        "développement économique, CLSPD, habitat, mobilité, Éducation nationale) ; impliquer "
        "les habitants dans les actions et le pilotage ; sécuriser les acteurs par la "
        "contractualisation pluriannuelle. Points de vigilance : Fleming et Grazailles, les "
        "quartiers de veille active, l'emploi des jeunes en lien avec la Mission locale.",
    ),
]
