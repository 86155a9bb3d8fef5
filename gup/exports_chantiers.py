"""The Excel export of the chantiers tremplin: the counts per quartier and year, and the
list of the sites with their funding (cdv/excel.py helpers)."""

from cdv.excel import DATE, EURO, add_table, new_workbook
from gup.selectors_chantiers import COLONNES


def bilan_workbook(bilan, chantiers):
    """Sheet "Bilan": a row per quartier and year, totals as formulas; sheet "Chantiers": a
    row per site. `bilan` comes from selectors.chantiers_bilan, `chantiers` from
    selectors.with_list_related_data."""
    workbook = new_workbook()
    add_table(
        workbook,
        "Bilan",
        ["Quartier", "Année", *(label for _, label in COLONNES)],
        (
            [ligne["quartier_nom"], ligne["annee"], *(ligne[key] for key, _ in COLONNES)]
            for ligne in bilan["lignes"]
        ),
        totals=range(2, 2 + len(COLONNES)),
    )
    add_table(
        workbook,
        "Chantiers",
        [
            "Intitulé",
            "Quartier",
            "Année",
            "Opérateur",
            "Début",
            "Fin",
            *(label for _, label in COLONNES[1:]),
            "Financements",
        ],
        (
            [
                chantier.intitule,
                chantier.quartier.nom,
                chantier.annee,
                chantier.operateur.nom,
                chantier.date_debut,
                chantier.date_fin,
                *(getattr(chantier, key) for key, _ in COLONNES[1:]),
                chantier.montant_finance,
            ]
            for chantier in chantiers
        ),
        formats={4: DATE, 5: DATE, 6 + len(COLONNES) - 1: EURO},
        totals=[*range(6, 6 + len(COLONNES) - 1), 6 + len(COLONNES) - 1],
    )
    return workbook
