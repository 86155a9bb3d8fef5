"""The TFPB bilan as a workbook: the page's figures (selectors_tfpb.bilan_tfpb), one sheet per
table, numbers as numbers in euros, and a native chart of the years."""

from openpyxl.chart import BarChart, Reference

from cdv.excel import EURO, PERCENT, TOTAL_FONT, add_table, new_workbook

NON_RENSEIGNE = "Actions au réalisé non renseigné"


def _fraction(points):
    """Points (75.0) as the fraction Excel shows as a percentage (0.75)."""
    return None if points is None else float(points) / 100


def _montant(value):
    return float(value)


def _lignes(lignes):
    return [
        [
            ligne.libelle,
            _montant(ligne.abattement),
            _montant(ligne.prevu),
            _montant(ligne.realise),
            _fraction(ligne.ratio),
            ligne.nb_actions,
            ligne.non_renseignes,
        ]
        for ligne in lignes
    ]


def _table_bilan(workbook, titre, premiere, lignes, total):
    headers = [
        premiere,
        "Abattement",
        "Montant prévu",
        "Montant réalisé",
        "Réalisé / abattement",
        "Actions",
        NON_RENSEIGNE,
    ]
    formats = {1: EURO, 2: EURO, 3: EURO, 4: PERCENT}
    sheet = add_table(workbook, titre, headers, _lignes(lignes), formats=formats)
    # The total row right under the table (values, as on the page).
    row = len(lignes) + 2
    for index, value in enumerate(_lignes([total])[0]):
        cell = sheet.cell(row=row, column=index + 1, value=value)
        cell.font = TOTAL_FONT
        cell.number_format = formats.get(index, "General")
    return sheet


def bilan_workbook(bilan):
    """Sheets: per landlord, per quartier, per axis (overall and per landlord), per year
    (with its bar chart)."""
    workbook = new_workbook()
    _table_bilan(workbook, "Par bailleur", "Bailleur", bilan.par_bailleur, bilan.total)
    _table_bilan(workbook, "Par quartier", "Quartier", bilan.par_quartier, bilan.total)
    add_table(
        workbook,
        "Par axe",
        ["Axe", "Montant prévu", "Montant réalisé", "Part du réalisé"],
        [
            [str(part.axe), _montant(part.prevu), _montant(part.realise), _fraction(part.part)]
            for part in bilan.total.axes
        ],
        formats={1: EURO, 2: EURO, 3: PERCENT},
    )
    add_table(
        workbook,
        "Axes par bailleur",
        ["Bailleur", "Axe", "Montant réalisé", "Part du réalisé du bailleur"],
        [
            [ligne.libelle, str(part.axe), _montant(part.realise), _fraction(part.part)]
            for ligne in bilan.par_bailleur
            for part in ligne.axes
        ],
        formats={2: EURO, 3: PERCENT},
    )
    annees = add_table(
        workbook,
        "Par année",
        ["Année", "Abattement", "Montant réalisé", "Réalisé / abattement"],
        [
            [e.annee, _montant(e.abattement), _montant(e.realise), _fraction(e.ratio)]
            for e in bilan.evolution
        ],
        formats={1: EURO, 2: EURO, 3: PERCENT},
    )
    if bilan.evolution:
        chart = BarChart()
        chart.type = "col"
        chart.title = "Abattement et réalisé par année"
        chart.y_axis.title = "Euros"
        chart.x_axis.title = "Année"
        last = len(bilan.evolution) + 1
        chart.add_data(Reference(annees, min_col=2, max_col=3, min_row=1, max_row=last), True)
        chart.set_categories(Reference(annees, min_col=1, min_row=2, max_row=last))
        chart.width, chart.height = 18, 9
        annees.add_chart(chart, "F2")
    titre = workbook.create_sheet("À propos")
    titre.append(["Bilan de l'abattement TFPB"])
    titre.append(["Année", bilan.annee])
    titre.append(
        [
            "Une action dont le montant réalisé n'est pas renseigné compte 0 € réalisé ; "
            "la colonne « Actions au réalisé non renseigné » les dénombre."
        ]
    )
    return workbook
