"""Carcassonne Agglo's 2015 contract, from its final evaluation (June 2022); the pillars.

The strategic orientations and operational objectives of the 2015 contract are those the
evaluation report quotes from the signed contract; its OCR'd text is rewritten as sentences.
The 2024 generation, "Engagements Quartiers 2030", lives in the contrat2024 module.
"""

import datetime

COHESION = "Cohésion sociale"
EMPLOI = "Emploi et développement économique"
CADRE_DE_VIE = "Cadre de vie et renouvellement urbain"
PILIERS = [COHESION, EMPLOI, CADRE_DE_VIE]

CONTRAT_2015 = {
    "nom": "Contrat de ville de Carcassonne Agglo",
    "annee_debut": 2015,
    "annee_fin": 2022,
    # The report says "signé en juin 2015" without the day: the end of the month stands in.
    "date_signature": datetime.date(2015, 6, 30),
    # The national CNxxxxxx codes belong to the 2024 generation.
    "code": None,
}

AXES_2015 = [
    "Jeunesse",
    "Égalité entre les femmes et les hommes",
    "Lutte contre les discriminations",
    "Citoyenneté et valeurs de la République",
    "Prévention de la radicalisation",
]

# Pillar → [(orientation stratégique, [objectifs opérationnels])]
OBJECTIFS_2015 = {
    COHESION: [
        (
            "Rendre possible, pour tous les publics (alphabétisation, FLE, illettrisme) et à "
            "toutes les étapes de la vie, l'apprentissage de la langue, moyen incontournable "
            "d'accéder à la citoyenneté",
            [
                "Maintenir les actions de proximité dans les quartiers prioritaires grâce à un "
                "financement pluriannuel des associations « têtes de réseau ».",
                "Harmoniser l'offre de formation sur l'ensemble du territoire et insuffler une "
                "culture commune aux acteurs par des temps partagés d'évaluation et de "
                "diagnostic.",
                "Suivre, par des indicateurs pertinents, la déclinaison dans les quartiers "
                "prioritaires de Carcassonne des mesures du plan « Égalité et citoyenneté : la "
                "République en actes ».",
                "Optimiser l'offre et les financements de droit commun et valoriser le plan "
                "« Égalité des chances ».",
                "Mobiliser le dispositif régional de droit commun de lutte contre l'illettrisme.",
            ],
        ),
        (
            "Favoriser le travail en réseau des nombreux acteurs de l'accès aux droits "
            "identifiés à l'échelle du territoire (Ville et Agglo)",
            [
                "Améliorer la cohérence et la complémentarité des actions en définissant les "
                "modalités de travail et le portage de ce réseau.",
                "Développer des actions ponctuelles de proximité avec les services publics pour "
                "recréer le lien avec les habitants et entre les acteurs.",
                "Créer des temps de rencontre entre acteurs et un répertoire unique des services "
                "et des actions.",
                "Harmoniser les fiches de poste des médiateurs et leur proposer des formations "
                "communes.",
                "Faciliter l'accès aux services centralisés, y compris par les transports en "
                "commun, pour éviter le repli des habitants sur leur quartier.",
            ],
        ),
        (
            "Installer des groupes de travail territoriaux uniques, couvrant les différents "
            "dispositifs dont la prévention de la délinquance, pour mieux prendre en compte les "
            "problématiques propres à chaque territoire",
            [
                "Homogénéiser les groupes d'acteurs territoriaux et définir leur portage.",
                "Veiller à la déclinaison des actions du plan départemental de prévention de la "
                "délinquance dans les quartiers prioritaires de Carcassonne.",
                "Installer une veille pluridisciplinaire de proximité en développant "
                "l'articulation entre le CLSPD, le contrat de ville et les autres dispositifs.",
                "Définir des modalités de prise en charge individualisée des jeunes les plus "
                "fragiles et de leurs familles, ainsi que des actions collectives éducatives ou "
                "de réparation (travaux d'intérêt général).",
            ],
        ),
        (
            "Renforcer le partenariat sur le territoire par la coordination des actions et des "
            "réseaux liés à la parentalité",
            [
                "Rapprocher le réseau d'écoute, d'appui et d'accompagnement des parents (REAAP) "
                "et le contrat de ville, en cohérence avec les services départementaux aux "
                "familles.",
                "Adapter la communication sur l'offre existante (tous médias, contact direct) "
                "auprès des familles comme des acteurs.",
            ],
        ),
        (
            "Articuler le projet éducatif territorial (PEDT) et les temps d'activités "
            "périscolaires avec la politique jeunesse, en associant le contrat de ville et ses "
            "partenaires",
            [
                "Mettre en cohérence les différents temps de l'enfant et articuler les "
                "dispositifs entre eux.",
                "Assurer la lisibilité des actions mises en œuvre (publics, acteurs) par un "
                "processus d'évaluation partagée.",
            ],
        ),
        (
            "Décliner les modalités de travail autour de l'accompagnement éducatif et de la "
            "réussite éducative",
            [
                "Assurer la lisibilité du programme de réussite éducative (PRE), renverser la "
                "stigmatisation et renforcer sa valeur ajoutée.",
                "Conforter la place des parents en tant qu'acteurs.",
                "Rendre le PRE efficace pour l'enfant en croisant les compétences.",
                "Renforcer le parcours individualisé et n'y intégrer la dimension collective "
                "que si elle y contribue, en partant des besoins.",
            ],
        ),
        (
            "Proposer une offre de modalités d'accueil différente, recentrée sur l'intérêt de "
            "l'enfant",
            [
                "Faciliter l'attribution de places aux structures qui accompagnent les enfants, "
                "pour gagner en réactivité.",
                "Inscrire les enfants et les jeunes dans des parcours éducatifs de droit commun "
                "cohérents et concertés.",
            ],
        ),
        (
            "Inscrire la culture et le sport dans une politique de développement territorial ; "
            "valoriser et soutenir l'éducation populaire en la conjuguant aux autres formes "
            "d'apprentissage",
            [
                "Favoriser l'accès aux lieux, aux pratiques et aux œuvres par la formation des "
                "acteurs de terrain à la médiation et par une communication adaptée et ciblée.",
                "Concevoir collégialement une programmation culturelle de qualité, diversifiée "
                "et accessible à tous, qui conjugue les interventions des associations, des "
                "équipements culturels et des collectivités.",
                "Impliquer les institutions compétentes en matière de sport, dont le Conseil "
                "départemental de l'Aude, et élargir aux partenaires, financeurs ou non, pour "
                "mutualiser et optimiser les moyens existants.",
                "Dépasser la dimension compétitive du sport pour en intégrer la dimension "
                "éducative.",
                "Installer une culture commune de l'évaluation par des temps d'évaluation "
                "partagés entre acteurs.",
            ],
        ),
    ],
    EMPLOI: [
        (
            "Fluidifier le réseau partenarial (droit commun et hors droit commun) pour le rendre "
            "visible et lisible",
            [
                "Étendre la communication à l'ensemble du territoire, et pas seulement aux "
                "quartiers prioritaires, pour identifier le public cible.",
                "Articuler l'échelle communautaire et celle des quartiers prioritaires sur les "
                "questions de formation.",
                "Formaliser des conventions entre la protection judiciaire de la jeunesse et "
                "les missions locales de l'Aude.",
                "Promouvoir auprès des jeunes les formations qualifiantes longues « jeunesse et "
                "sport ».",
                "Inciter les facilitateurs à communiquer sur les clauses d'insertion pour "
                "sensibiliser les maîtres d'ouvrage.",
                "Faire connaître la clause d'insertion aux habitants des quartiers.",
                "Capter les jeunes ni en emploi, ni en études, ni en formation (NEET) jusqu'alors "
                "inconnus des dispositifs d'accompagnement vers l'emploi.",
            ],
        ),
        (
            "Développer des démarches d'expérimentation adaptées aux territoires et aux besoins "
            "des habitants",
            [
                "Donner aux jeunes des quartiers les moyens de formaliser un projet personnel "
                "« sur mesure ».",
                "Communiquer activement sur les parcours des jeunes et changer le regard porté "
                "sur l'insertion par l'activité économique (IAE).",
                "Rendre les dispositifs d'accompagnement accessibles aux habitants des "
                "quartiers prioritaires.",
            ],
        ),
        (
            "Favoriser l'esprit d'entreprendre",
            [
                "Consolider l'accompagnement des créateurs jusqu'à la réalisation de l'activité "
                "et son évaluation.",
                "Développer une culture entrepreneuriale chez les habitants des quartiers, de "
                "manière individuelle et collective.",
            ],
        ),
    ],
    CADRE_DE_VIE: [
        (
            "Conforter la vocation urbaine des quartiers",
            [
                "Optimiser les moyens de droit commun (loi ALUR) en complément de l'opération "
                "programmée d'amélioration de l'habitat (OPAH) en cours.",
                "Optimiser le droit commun dans une approche globale, par exemple la fréquence "
                "des transports en commun à l'échelle du territoire et pas seulement dans les "
                "quartiers prioritaires.",
            ],
        ),
        (
            "Traiter en priorité la précarité énergétique",
            [
                "Mettre en place une veille qui repère les familles touchées par la précarité "
                "énergétique, pour les orienter ensemble vers un parcours global.",
                "Associer les fournisseurs d'énergie au traitement du problème et à son "
                "financement.",
            ],
        ),
        (
            "Intégrer la gestion urbaine de proximité dans les modes d'intervention",
            [
                "Renforcer l'articulation avec le conseil local de sécurité et de prévention de "
                "la délinquance (CLSPD).",
                "Traiter ensemble l'élargissement de la GUP et la mobilisation de l'abattement "
                "de TFPB, par la signature d'une convention d'utilisation.",
                "Expérimenter une présence humaine renforcée au service du lien social dans les "
                "quartiers.",
                "Articuler les actions avec le schéma départemental d'accessibilité des "
                "services au public.",
            ],
        ),
        (
            "Optimiser les stratégies résidentielles",
            [
                "Donner un cadre conventionnel et contractuel à la question des attributions de "
                "logements, dans le cadre du programme local de l'habitat intercommunal.",
                "Faire de l'accessibilité une priorité pour les différents publics.",
            ],
        ),
    ],
}

# Organisation key → qualité. The report counts 18 signatories without listing them; this
# list gathers the partners it names as signatories or funders of the contract.
SIGNATAIRES_2015 = {
    "agglo": "pilote, EPCI porteur du contrat",
    "prefecture": "co-pilote, État",
    "ville": "signataire, commune des quartiers prioritaires",
    "cias": "signataire, action sociale intercommunale",
    "departement": "co-financeur",
    "region": "co-financeur",
    "caf": "co-financeur",
    "cdc": "co-financeur, investissement et ingénierie",
    "france_travail": "partenaire emploi (service public de l'emploi)",
    "mission_locale": "partenaire emploi des jeunes",
    "cci": "partenaire développement économique",
    "cma": "partenaire développement économique",
    "dsden": "partenaire éducation",
    "ars": "partenaire santé",
    "parquet": "partenaire justice et prévention de la délinquance",
    "habitat_audois": "bailleur signataire",
    "alogea": "bailleur signataire",
    "marcou_habitat": "bailleur signataire",
}
