"""The quartiers' statistics of the demo: the indicator catalogue, the reference territories,
the perimeters of the five QPV and every figure of the final evaluation's quartier sections
(../shared/reference/carcassonne-figures.md), loaded through the import service.

Perimeters are approximations: the bounding boxes of qpv-carcassonne-extents.csv (2015
geography), drawn as rectangles; the 2024 quartiers reuse them until official contours
are imported.
"""

from quartiers.enums import Sens, SourceIndicateur, TerritoireKind, Theme, Unite
from quartiers.geojson import rectangle
from quartiers.imports import indicateurs_import_rows
from quartiers.models import Indicateur, Quartier, Territoire, ValeurIndicateur

RAPPORT = "Évaluation finale du contrat de ville (2022)"
PERIMETRE_NOTE = (
    "Approximation : rectangle englobant le quartier prioritaire (géographie 2015), "
    "pas son contour officiel."
)

PCT, NB, EUR = Unite.POURCENTAGE, Unite.NOMBRE, Unite.EUROS
HAUSSE, BAISSE, NEUTRE = Sens.HAUSSE, Sens.BAISSE, Sens.NEUTRE
RP, FILO, CAF = SourceIndicateur.RECENSEMENT, SourceIndicateur.FILOSOFI, SourceIndicateur.CAF
FT = SourceIndicateur.FRANCE_TRAVAIL
ABC = "Demandeurs d'emploi cat. ABC"
# {(thème, source): [(code, libellé, unité, sens)]}, in display order.
CATALOGUE = {
    (Theme.DEMOGRAPHIE, RP): [
        ("population", "Population", NB, NEUTRE),
        ("part_femmes", "Part des femmes", PCT, NEUTRE),
        ("age_0_14", "Part des 0–14 ans", PCT, NEUTRE),
        ("age_15_24", "Part des 15–24 ans", PCT, NEUTRE),
        ("age_25_59", "Part des 25–59 ans", PCT, NEUTRE),
        ("age_60_74", "Part des 60–74 ans", PCT, NEUTRE),
        ("age_75_plus", "Part des 75 ans et plus", PCT, NEUTRE),
    ],
    (Theme.REVENUS, FILO): [
        ("taux_pauvrete", "Taux de pauvreté", PCT, BAISSE),
        ("revenu_median", "Revenu disponible médian par unité de consommation", EUR, HAUSSE),
        ("bas_revenus", "Part des habitants à bas revenus", PCT, BAISSE),
    ],
    (Theme.EMPLOI, RP): [
        ("taux_emploi", "Taux d'emploi des 15–64 ans", PCT, HAUSSE),
        ("emplois_precaires", "Part des emplois précaires", PCT, BAISSE),
        ("part_ouvriers", "Part des ouvriers dans la population active", PCT, NEUTRE),
    ],
    (Theme.EMPLOI, FT): [
        ("defm_abc", f"{ABC} (moyenne annuelle)", NB, BAISSE),
        ("defm_abc_femmes", f"{ABC} : femmes (moyenne annuelle)", NB, BAISSE),
        ("defm_abc_moins_26", f"{ABC} : moins de 26 ans (moyenne annuelle)", NB, BAISSE),
        ("defm_abc_50_plus", f"{ABC} : 50 ans et plus (moyenne annuelle)", NB, BAISSE),
        ("defm_abc_longue_duree", f"{ABC} : inscrits depuis 2 ans ou plus", NB, BAISSE),
        ("defm_abc_date", f"{ABC} à une date donnée", NB, BAISSE),
    ],
    (Theme.FAMILLES, CAF): [
        ("familles_monoparentales", "Part des familles monoparentales", PCT, BAISSE),
    ],
    (Theme.FAMILLES, RP): [
        ("couples_avec_enfants", "Part des ménages en couple avec enfants", PCT, NEUTRE),
        ("menages_une_personne", "Part des ménages d'une personne", PCT, NEUTRE),
    ],
    (Theme.CAF, CAF): [
        ("allocataires_caf", "Allocataires de la CAF", NB, NEUTRE),
        ("population_couverte_caf", "Personnes couvertes par la CAF", NB, NEUTRE),
        ("part_allocataires_qpv", "Part des allocataires de l'agglomération en QPV", PCT, NEUTRE),
    ],
    (Theme.ECONOMIE, SourceIndicateur.SIRENE): [
        ("taux_creation_etablissements", "Taux de création d'établissements", PCT, HAUSSE),
    ],
}

EPCI_SIREN = "200035715"
CARCASSONNE_INSEE = "11069"
# (kind, code, nom, parent (kind, code)); France and the QPV average come from a migration.
TERRITOIRES = [
    (TerritoireKind.DEPARTEMENT, "11", "Aude", (TerritoireKind.FRANCE, "FR")),
    (TerritoireKind.EPCI, EPCI_SIREN, "CA Carcassonne Agglo", (TerritoireKind.DEPARTEMENT, "11")),
    (TerritoireKind.COMMUNE, CARCASSONNE_INSEE, "Carcassonne", (TerritoireKind.EPCI, EPCI_SIREN)),
    (
        TerritoireKind.QPV_EPCI,
        EPCI_SIREN,
        "QPV de Carcassonne Agglo",
        (TerritoireKind.EPCI, EPCI_SIREN),
    ),
]
NATIONAUX = [
    (TerritoireKind.FRANCE, "FR", "France"),
    (TerritoireKind.QPV_FRANCE, "QPV", "Moyenne nationale des QPV"),
]

# qpv-carcassonne-extents.csv: code → (lon_min, lat_min, lon_max, lat_max)
EMPRISES = {
    "QP011002": (2.3637, 43.2054, 2.3794, 43.2191),
    "QP011003": (2.3249, 43.2066, 2.3357, 43.2114),
    "QP011004": (2.3465, 43.2102, 2.3579, 43.2164),
    "QP011005": (2.3371, 43.2234, 2.3456, 43.2272),
    "QP011006": (2.3542, 43.2246, 2.3595, 43.2285),
}

BASTIDE, LA_CONTE, VIGUIER, FLEMING, GRAZAILLES = (
    "QP011004",
    "QP011002",
    "QP011003",
    "QP011005",
    "QP011006",
)
QPV = [BASTIDE, LA_CONTE, VIGUIER, FLEMING, GRAZAILLES]
COMMUNE = (TerritoireKind.COMMUNE, CARCASSONNE_INSEE)
EPCI = (TerritoireKind.EPCI, EPCI_SIREN)
QPV_EPCI = (TerritoireKind.QPV_EPCI, EPCI_SIREN)
QPV_FRANCE = (TerritoireKind.QPV_FRANCE, "QPV")
S = "s"  # secret statistique


def _quartiers(indicateur, millesime, valeurs, source=RAPPORT):
    """One row per QPV, in the order of QPV; None: no figure."""
    return [
        ((TerritoireKind.QUARTIER, code), indicateur, millesime, valeur, source)
        for code, valeur in zip(QPV, valeurs, strict=True)
        if valeur is not None
    ]


def _serie(territoire, indicateur, valeurs, source=RAPPORT):
    return [(territoire, indicateur, m, v, source) for m, v in valeurs.items()]


AGES = ["age_0_14", "age_15_24", "age_25_59", "age_60_74", "age_75_plus"]
# Bastide, La Conte, Viguier, Fleming, Grazailles; 75+ to a decimal where the portraits give it.
STRUCTURE_AGES = [
    (14, 18, 48, 13, "7,6"),
    (29, 13, 39, 13, 6),
    (24, 16, 40, 12, "8,2"),
    (24, 11, 38, 11, "16,7"),
    (27, 12, 41, 13, "7,7"),
]
AGES_REFERENCES = {EPCI: (17, 10, 42, 20, 11), COMMUNE: (16, 12, 42, 19, 12)}
ESTIMATIONS = "INSEE, estimations démographiques 2017"
DEFM = {
    "defm_abc": (1850, 1877, 1634, 1568, 1609),
    "defm_abc_femmes": (899, 883, 756, 746, 737),
    "defm_abc_moins_26": (333, 306, 272, 261, 276),
    "defm_abc_50_plus": (449, 489, 446, 433, 431),
    "defm_abc_longue_duree": (464, 431, 414, 413, 471),
}


def valeurs():
    """Every figure as (territory (kind, code), indicator, vintage, value, source note)."""
    rows = []
    rows += _quartiers(
        "population",
        2018,
        [3873, 2525, 1757, 1159, None],
        "INSEE, population municipale 2018",
    )
    rows.append(
        (
            (TerritoireKind.QUARTIER, GRAZAILLES),
            "population",
            2018,
            949,
            "Déduite : 10 263 habitants des 5 QPV moins les quatre autres",
        )
    )
    rows.append((COMMUNE, "population", 2019, 46825, "INSEE, population municipale 2019"))
    rows.append((QPV_EPCI, "population", 2018, 10263, "INSEE, population municipale 2018"))
    rows += _quartiers(
        "part_femmes", 2018, [52, 54, 53, 57, 55], f"{RAPPORT} ; millésime non précisé"
    )
    rows += _quartiers("taux_pauvrete", 2019, [39, 61, 65, 59, 52], "FiLoSoFi 2019")
    rows += [(COMMUNE, "taux_pauvrete", 2019, 27, "FiLoSoFi 2019")]
    rows += [(EPCI, "taux_pauvrete", 2019, 21, "FiLoSoFi 2019")]
    rows += _quartiers("revenu_median", 2015, [13656, 10976, 10624, None, 12442], "FiLoSoFi 2015")
    rows += _quartiers("revenu_median", 2019, [14830, 12130, 11680, 12320, 12990], "FiLoSoFi 2019")
    rows += [(COMMUNE, "revenu_median", 2019, 18110, "FiLoSoFi 2019")]
    rows += _quartiers("taux_emploi", 2017, [42, 33, 25, 35, 34], ESTIMATIONS)
    rows += [
        (COMMUNE, "taux_emploi", 2017, 55, ESTIMATIONS),
        (EPCI, "taux_emploi", 2017, 60, ESTIMATIONS),
    ]
    rows += _serie(QPV_EPCI, "taux_emploi", {2017: "39,1", 2021: "33,4"})
    for index, code in enumerate(AGES):
        rows += _quartiers(code, 2017, [ages[index] for ages in STRUCTURE_AGES], ESTIMATIONS)
        rows += [(t, code, 2017, ages[index], ESTIMATIONS) for t, ages in AGES_REFERENCES.items()]
    rows.append((QPV_FRANCE, "age_75_plus", 2017, "4,7", ESTIMATIONS))
    rows += _quartiers("familles_monoparentales", 2020, [16, 19, 18, S, 25], "Caf.data 2020")
    rows += [(EPCI, "familles_monoparentales", 2020, 18, "Caf.data 2020")]
    rows += [(COMMUNE, "familles_monoparentales", 2020, 17, "Caf.data 2020")]
    rows += _quartiers("couples_avec_enfants", 2017, ["6,0", "29,3", "19,9", None, "19,3"])
    rows += [(COMMUNE, "couples_avec_enfants", 2017, "20,4", RAPPORT)]
    rows += _quartiers("part_ouvriers", 2017, [None, None, None, 44, 32], ESTIMATIONS)
    rows += [(EPCI, "part_ouvriers", 2017, 23, ESTIMATIONS)]
    rows += _quartiers("menages_une_personne", 2017, [None, None, None, 43, None], ESTIMATIONS)
    rows += [(QPV_FRANCE, "menages_une_personne", 2017, 39, ESTIMATIONS)]
    rows += _quartiers("bas_revenus", 2019, [55, None, None, None, None], "FiLoSoFi 2019")
    rows += [(COMMUNE, "bas_revenus", 2019, 37, "FiLoSoFi 2019")]
    rows += [(QPV_FRANCE, "bas_revenus", 2019, 62, "FiLoSoFi 2019")]
    rows += _quartiers("emplois_precaires", 2015, [None, 20, 39, None, None], "INSEE 2015")
    rows += [(QPV_FRANCE, "emplois_precaires", 2015, 21, "INSEE 2015 ; « moyenne dans les QPV »")]
    rows += _serie(QPV_EPCI, "emplois_precaires", {2017: "20,6", 2021: "31,5"})
    crea = {2015: 25, 2020: 50}
    rows += _serie((TerritoireKind.QUARTIER, GRAZAILLES), "taux_creation_etablissements", crea)
    for code, serie in DEFM.items():
        rows += _serie(QPV_EPCI, code, dict(zip(range(2016, 2021), serie, strict=True)))
    # Fleming – La Reille is under statistical secrecy from 2018.
    rows += _quartiers("defm_abc_date", 2020, [655, 414, 272, S, 182], "Pôle emploi, début 2020")
    fin_t3 = "Pôle emploi, fin du 3e trimestre 2021"
    rows += _quartiers("defm_abc_date", 2021, [653, 418, 268, S, 184], fin_t3)
    rows += _serie(QPV_EPCI, "allocataires_caf", {2018: 3738, 2020: 3754}, "Caf.data")
    rows += _serie(QPV_EPCI, "population_couverte_caf", {2018: 7280, 2020: 7205}, "Caf.data")
    rows += _serie(QPV_EPCI, "part_allocataires_qpv", {2018: "15,8", 2020: "12,7"}, "Caf.data")
    return rows


def lignes():
    """valeurs() in the import's layout: [(line number, {column key: value})]."""
    result = []
    for number, ((kind, code), indicateur, millesime, valeur, source) in enumerate(valeurs(), 2):
        secret = valeur == S
        result.append(
            (
                number,
                {
                    "type": kind.value,
                    "code": code,
                    "indicateur": indicateur,
                    "millesime": millesime,
                    "valeur": "" if secret else str(valeur),
                    "secret": "oui" if secret else "",
                    "source": source,
                },
            )
        )
    return result


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


def _load_catalogue(report):
    ordre = 0
    for (theme, source), indicateurs in CATALOGUE.items():
        for code, libelle, unite, sens in indicateurs:
            ordre += 1
            _upsert(
                report,
                Indicateur,
                {"code": code},
                libelle=libelle,
                unite=unite,
                theme=theme,
                source=source,
                sens=sens,
                ordre=ordre,
            )


def _load_territoires(report):
    loaded = {}
    for kind, code, nom in NATIONAUX:
        loaded[(kind, code)] = _upsert(report, Territoire, {"kind": kind, "code": code}, nom=nom)
    for kind, code, nom, parent in TERRITOIRES:
        loaded[(kind, code)] = _upsert(
            report, Territoire, {"kind": kind, "code": code}, nom=nom, parent=loaded[parent]
        )
    return loaded


def _load_quartiers(report, contrat_2015, contrat_2024, commune):
    """Perimeters and commune of the 2015 QPV; the 2024 QPV replace those of the same name."""
    anciens = {}
    for quartier in Quartier.objects.filter(contrat=contrat_2015).exclude(code=""):
        if quartier.code in EMPRISES:
            quartier.perimetre = rectangle(*EMPRISES[quartier.code])
            quartier.perimetre_note = PERIMETRE_NOTE
            quartier.full_clean()
            quartier.save()
        territoire = quartier.territoire
        territoire.parent = commune
        territoire.full_clean()
        territoire.save()
        anciens[quartier.nom] = quartier
    for quartier in Quartier.objects.filter(contrat=contrat_2024):
        ancien = anciens.get(quartier.nom)
        if ancien is None:
            continue
        quartier.perimetre = ancien.perimetre
        quartier.perimetre_note = PERIMETRE_NOTE
        quartier.full_clean()
        quartier.save()
        quartier.remplace.set([ancien])


def load(report, contrat_2015, contrat_2024):
    """Load (or refresh) the catalogue, the territories, the perimeters and the figures."""
    _load_catalogue(report)
    territoires = _load_territoires(report)
    _load_quartiers(report, contrat_2015, contrat_2024, territoires[COMMUNE])
    resultat = indicateurs_import_rows(lignes=lignes())
    if resultat.erreurs:
        raise ValueError(f"Indicateurs de démonstration invalides : {resultat.erreurs}")
    label = str(ValeurIndicateur._meta.verbose_name_plural)
    report.created[label] += resultat.crees
    report.found[label] += resultat.modifies + resultat.inchanges
