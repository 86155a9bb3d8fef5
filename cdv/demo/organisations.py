"""The partners of Carcassonne Agglo's contrat de ville, as demo organisations.

Only the agglo's SIREN (200035715) is real. Every other SIRET is generated from the
organisation's key: valid (Luhn) and stable from one run to the next, but fictitious.
Associations carry invented yet plausible names of the local politique de la ville network.
"""

import zlib
from dataclasses import dataclass

from stdnum import luhn

from cdv.enums import OrganisationKind as K

CARCASSONNE = "11000"


def siren_from_key(key):
    """A valid, fictitious SIREN derived from a key, so that reruns find the same row."""
    body = f"{zlib.crc32(key.encode()) % 10**8:08d}"
    return body + luhn.calc_check_digit(body)


def siret_of(siren, nic="0001"):
    """SIRET of an establishment: SIREN + 4-digit NIC + the Luhn check digit of the 13 digits."""
    body = siren + nic
    return body + luhn.calc_check_digit(body)


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    nom: str
    kind: str
    sigle: str = ""
    adresse: str = ""
    code_postal: str = CARCASSONNE
    commune: str = "Carcassonne"
    siren: str = ""
    nic: str = "0001"

    @property
    def siret(self):
        return siret_of(self.siren or siren_from_key(self.key), self.nic)

    @property
    def rna(self):
        """W + 111 (the prefecture of the Aude's RNA office) + 6 digits, for associations only."""
        if self.kind != K.ASSOCIATION:
            return ""
        return f"W111{zlib.crc32(('rna:' + self.key).encode()) % 10**6:06d}"

    @property
    def email(self):
        return f"contact@{self.key.replace('_', '-')}.demo.cdv.local"

    @property
    def telephone(self):
        digits = self.siret[3:9]
        return f"04 68 {digits[0:2]} {digits[2:4]} {digits[4:6]}"


AGGLO_SIREN = "200035715"
PREFECTURE_SIREN = siren_from_key("prefecture")

INSTITUTIONS = [
    DemoOrganisation(
        "agglo",
        "Carcassonne Agglo",
        K.EPCI,
        sigle="CA Carcassonne Agglo",
        adresse="1 rue Pierre Germain",
        siren=AGGLO_SIREN,
    ),
    DemoOrganisation(
        "cias",
        "Carcassonne Agglo Solidarité",
        K.AUTRE,
        sigle="CIAS",
        adresse="1 rue Pierre Germain",
    ),
    DemoOrganisation(
        "prefecture",
        "Préfecture de l'Aude",
        K.PREFECTURE,
        adresse="52 rue Jean Bringer",
        siren=PREFECTURE_SIREN,
    ),
    # The délégué du préfet is a service of the prefecture: same SIREN, another establishment.
    DemoOrganisation(
        "delegue_prefet",
        "Délégué du préfet pour la politique de la ville — Carcassonne",
        K.DELEGUE_PREFET,
        adresse="52 rue Jean Bringer",
        siren=PREFECTURE_SIREN,
        nic="0002",
    ),
    DemoOrganisation(
        "ddets",
        "Direction départementale de l'emploi, du travail et des solidarités de l'Aude",
        K.DDETS,
        sigle="DDETS 11",
        adresse="Place Gaston Jourdanne",
    ),
    DemoOrganisation(
        "anct",
        "Agence nationale de la cohésion des territoires",
        K.ANCT,
        sigle="ANCT",
        adresse="20 avenue de Ségur",
        code_postal="75007",
        commune="Paris",
    ),
    DemoOrganisation(
        "dsden",
        "Direction des services départementaux de l'Éducation nationale de l'Aude",
        K.ETAT_AUTRE,
        sigle="DSDEN 11",
        adresse="56 avenue Henri Goût",
    ),
    DemoOrganisation(
        "ars",
        "Agence régionale de santé Occitanie — délégation de l'Aude",
        K.ETAT_AUTRE,
        sigle="ARS Occitanie",
        adresse="14 rue du 4 Septembre",
    ),
    DemoOrganisation(
        "parquet",
        "Parquet du tribunal judiciaire de Carcassonne",
        K.ETAT_AUTRE,
        adresse="Place du Général de Gaulle",
    ),
    DemoOrganisation(
        "ville",
        "Ville de Carcassonne",
        K.COMMUNE,
        adresse="32 rue Aimé Ramond",
    ),
    DemoOrganisation(
        "ccas",
        "Centre communal d'action sociale de Carcassonne",
        K.AUTRE,
        sigle="CCAS",
        adresse="2 rue Antoine Marty",
    ),
    DemoOrganisation(
        "departement",
        "Département de l'Aude",
        K.DEPARTEMENT,
        adresse="Allée Raymond Courrière",
    ),
    DemoOrganisation(
        "region",
        "Région Occitanie",
        K.REGION,
        adresse="22 boulevard du Maréchal Juin",
        code_postal="31400",
        commune="Toulouse",
    ),
    DemoOrganisation(
        "caf",
        "Caisse d'allocations familiales de l'Aude",
        K.CAF,
        sigle="CAF de l'Aude",
        adresse="6 rue Camille Saint-Saëns",
    ),
    DemoOrganisation(
        "france_travail",
        "France Travail (ex-Pôle emploi) — agence de Carcassonne La Conte",
        K.AUTRE,
        sigle="France Travail",
        adresse="Avenue Pierre Curie",
    ),
    DemoOrganisation(
        "cci",
        "Chambre de commerce et d'industrie de l'Aude",
        K.AUTRE,
        sigle="CCI Aude",
        adresse="Boulevard Camille Pelletan",
    ),
    DemoOrganisation(
        "cma",
        "Chambre de métiers et de l'artisanat de l'Aude",
        K.AUTRE,
        sigle="CMA Aude",
        adresse="Avenue Henri Bataille",
    ),
    DemoOrganisation(
        "cdc",
        "Caisse des dépôts — Banque des Territoires, direction régionale Occitanie",
        K.AUTRE,
        sigle="Banque des Territoires",
        adresse="97 rue de Fontcouverte",
        code_postal="34000",
        commune="Montpellier",
    ),
    DemoOrganisation(
        "habitat_audois",
        "Habitat Audois",
        K.BAILLEUR,
        sigle="OPH de l'Aude",
        adresse="16 rue Jean-Baptiste Lully",
    ),
    DemoOrganisation(
        "alogea",
        "Alogea",
        K.BAILLEUR,
        adresse="44 rue Antoine Armagnac",
    ),
    # The report speaks of "the 3 landlords" but names only Habitat Audois and Alogea; the
    # third social landlord with housing in Carcassonne's QPV is taken to be Marcou Habitat.
    DemoOrganisation(
        "marcou_habitat",
        "Marcou Habitat",
        K.BAILLEUR,
        adresse="4 rue Tourtel",
    ),
    DemoOrganisation(
        "regie",
        "Régie de quartiers de Carcassonne",
        K.REGIE,
        sigle="RQC",
        adresse="Rue Frédéric Ozanam",
    ),
    DemoOrganisation(
        "college_jules_verne",
        "Collège Jules-Verne",
        K.ETABLISSEMENT_SCOLAIRE,
        adresse="Rue Pierre Bonnet",
    ),
]

# One conseil citoyen per QPV (the quartiers themselves: qpv.py).
CONSEILS_CITOYENS = [
    DemoOrganisation(f"cc_{key}", f"Conseil citoyen {name}", K.CONSEIL_CITOYEN, adresse=adresse)
    for key, name, adresse in [
        ("bastide", "Bastide – Pont-Vieux", "Place Carnot"),
        ("la_conte", "La Conte – Ozanam", "Rue Frédéric Ozanam"),
        ("viguier", "Le Viguier – Saint-Jacques", "Chemin de Saint-Jacques"),
        ("fleming", "Fleming – La Reille", "Avenue Alexander Fleming"),
        ("grazailles", "Grazailles", "Rue Jean-Baptiste Lully"),
    ]
]


def _association(key, nom, adresse, sigle=""):
    return DemoOrganisation(key, nom, K.ASSOCIATION, sigle=sigle, adresse=adresse)


ASSOCIATIONS = [
    _association(
        "mission_locale",
        "Mission locale Ouest Audois",
        "88 rue de Verdun",
        sigle="MLOA",
    ),
    _association(
        "centre_social_la_conte",
        "Centre social et culturel La Conte – Ozanam",
        "Rue Frédéric Ozanam",
    ),
    _association(
        "centre_social_viguier",
        "Centre social Le Viguier – Saint-Jacques",
        "Chemin de Saint-Jacques",
    ),
    _association(
        "mjc",
        "Maison des jeunes et de la culture de Carcassonne",
        "91 rue Aimé Ramond",
        sigle="MJC",
    ),
    _association("amicale_laique", "Amicale laïque de Carcassonne", "19 rue Victor Hugo"),
    _association(
        "ligue_enseignement",
        "Ligue de l'enseignement — Fédération des œuvres laïques de l'Aude",
        "22 rue Antoine Marty",
        sigle="FOL 11",
    ),
    _association(
        "mediation_audoise",
        "Médiation sociale audoise",
        "Avenue Pierre Curie",
        sigle="MSA 11",
    ),
    _association(
        "prevention_specialisee",
        "Prévention jeunesse de l'Aude — club de prévention spécialisée",
        "Rue Courtejaire",
    ),
    _association(
        "ecoute_soutien",
        "Écoute et soutien scolaire du Carcassonnais",
        "Avenue Henri Goût",
    ),
    _association("coup_de_pouce", "Coup de pouce Grazailles", "Rue Jean-Baptiste Lully"),
    _association("lire_faire_lire", "Lire et faire lire dans l'Aude", "Rue de la République"),
    _association(
        "alpha",
        "Apprendre le français à Carcassonne — ateliers sociolinguistiques",
        "Boulevard Barbès",
        sigle="AFC",
    ),
    _association(
        "langues_cultures",
        "Langues et cultures en partage",
        "Rue du 24 Février",
    ),
    _association("paej", "Point accueil écoute jeunes du Carcassonnais", "Rue Tourtel"),
    _association(
        "cidff",
        "Centre d'information sur les droits des femmes et des familles de l'Aude",
        "Rue de Verdun",
        sigle="CIDFF 11",
    ),
    _association(
        "aide_victimes",
        "Aide aux victimes et médiation de l'Aude",
        "Rue du Palais",
    ),
    _association("droits_devant", "Droits devant Carcassonne", "Square Gambetta"),
    _association(
        "connect_quartiers",
        "Connect'Quartiers — médiation numérique",
        "Place Carnot",
    ),
    _association(
        "parents_enfants",
        "Espace parents-enfants La Passerelle",
        "Avenue Alexander Fleming",
    ),
    _association("cafe_parents", "Café des parents de Grazailles", "Rue Jean-Baptiste Lully"),
    _association(
        "sport_citoyennete_viguier",
        "Sport et citoyenneté Viguier",
        "Chemin de Saint-Jacques",
    ),
    _association("us_ozanam_basket", "Union sportive Ozanam basket", "Rue Frédéric Ozanam"),
    _association("boxing_club", "Boxing club carcassonnais", "Avenue du Général Leclerc"),
    _association(
        "rugby_xiii_quartiers",
        "École de rugby à XIII des quartiers",
        "Avenue Franklin Roosevelt",
    ),
    _association("judo_bastide", "Judo club Bastide", "Rue Antoine Armagnac"),
    _association("echecs", "Échec et mat Carcassonne", "Rue de la Gaffe"),
    _association("cyclo_atelier", "Cyclo-atelier solidaire", "Boulevard Omer Sarraut"),
    _association("jardins_viguier", "Jardins partagés du Viguier", "Chemin de Saint-Jacques"),
    _association("sciences_quartiers", "Sciences en quartiers", "Rue Jean Bringer"),
    _association(
        "theatre_quartiers",
        "Compagnie Théâtre dans les quartiers",
        "Rue Courtejaire",
    ),
    _association("street_culture", "Street culture 11 — danse hip-hop", "Rue Barbacane"),
    # The report credits "One One" with the giant fresco of Ozanam.
    _association("one_one", "Association One One — arts urbains", "Rue Frédéric Ozanam"),
    _association(
        "musique_quartiers",
        "Musique en quartiers — école de musique populaire",
        "Rue Victor Hugo",
    ),
    _association("radio_quartiers", "Radio quartiers libres", "Avenue Pierre Curie"),
    _association("ludotheque", "Ludothèque Jeux et quartiers", "Avenue Alexander Fleming"),
    _association(
        "tremplin_emploi",
        "Tremplin emploi Carcassonne — atelier et chantier d'insertion",
        "Route de Montréal",
    ),
    _association(
        "auto_ecole_solidaire",
        "Auto-école solidaire du Carcassonnais",
        "Avenue du Général Leclerc",
    ),
    _association("initiative_aude", "Initiative Aude", "Boulevard Camille Pelletan"),
    _association(
        "epicerie_solidaire", "Épicerie solidaire Le Panier de la Bastide", "Rue de Verdun"
    ),
    _association("couture_solidaire", "Les ateliers de la couture solidaire", "Rue du 24 Février"),
    _association("femmes_solidaires", "Femmes solidaires Carcassonne", "Rue Aimé Ramond"),
    _association(
        "habitants_fleming",
        "Association des habitants de Fleming – La Reille",
        "Avenue Alexander Fleming",
    ),
    _association(
        "sante_quartiers",
        "Collectif santé des quartiers",
        "Boulevard Barbès",
    ),
    _association(
        "memoire_citoyennete",
        "Citoyenneté et mémoire audoises",
        "Square Gambetta",
    ),
]

ORGANISATIONS = INSTITUTIONS + CONSEILS_CITOYENS + ASSOCIATIONS
