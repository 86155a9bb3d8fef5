"""Workbooks of the programmation, written from the selectors' figures."""

from openpyxl.chart import BarChart, LineChart, Reference

from cdv.excel import EURO, PERCENT, TOTAL_FONT, add_table, formule, new_workbook

SYNTHESE = "Synthèse par année"


def _synthese(workbook, bilan):
    rows = [
        (
            a.annee,
            a.nb_actions,
            a.credits_specifiques,
            a.autres_financements,
            a.total_accorde,
            a.taux_cofinancement,
            a.evolution_montant,
            a.evolution_pourcentage,
        )
        for a in bilan.annees
    ]
    sheet = add_table(
        workbook,
        SYNTHESE,
        [
            "Année",
            "Nombre d'actions",
            "Crédits spécifiques",
            "Autres financements",
            "Total accordé",
            "Taux de cofinancement",
            "Évolution des crédits",
            "Évolution (%)",
        ],
        rows,
        formats={2: EURO, 3: EURO, 4: EURO, 5: PERCENT, 6: EURO, 7: PERCENT},
        totals=(1, 2, 3, 4),
    )
    last, total = len(rows) + 1, len(rows) + 2
    # The overall co-funding ratio is a ratio of the totals, not a sum of the yearly ones.
    ratio = formule(sheet.cell(row=total, column=6), f'=IF(C{total}=0,"",D{total}/C{total})')
    ratio.number_format = PERCENT
    ratio.font = TOTAL_FONT

    credits = BarChart()
    credits.title = "Évolution annuelle"
    credits.y_axis.title = "Crédits spécifiques (€)"
    credits.y_axis.numFmt = EURO
    credits.add_data(Reference(sheet, min_col=3, min_row=1, max_row=last), titles_from_data=True)
    credits.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    actions = LineChart()
    actions.add_data(Reference(sheet, min_col=2, min_row=1, max_row=last), titles_from_data=True)
    actions.y_axis.axId = 200
    actions.y_axis.title = "Nombre d'actions"
    actions.y_axis.crosses = "max"
    credits += actions
    credits.width, credits.height = 20, 10
    sheet.add_chart(credits, "J2")


def bilan_workbook(bilan, *, contrat):
    """The bilan physico-financier (selectors.bilan_physico_financier) as a workbook: one
    sheet per table, totals as SUM formulas, and the chart of the yearly evolution."""
    workbook = new_workbook()
    workbook.properties.title = (
        f"Bilan physico-financier {contrat.nom} {bilan.annee_min}–{bilan.annee_max}"
    )
    _synthese(workbook, bilan)
    add_table(
        workbook,
        "Par pilier",
        ["Pilier", "Nombre d'actions", "Crédits spécifiques", "Part des crédits"],
        [(p.nom, p.nb_actions, p.credits_specifiques, p.part) for p in bilan.piliers],
        formats={2: EURO, 3: PERCENT},
        totals=(1, 2),
    )
    quartiers = add_table(
        workbook,
        "Par quartier",
        ["Quartier", "Code", "Nombre d'actions", "Crédits spécifiques", "Part des crédits"],
        [(q.nom, q.code, q.nb_actions, q.credits_specifiques, q.part) for q in bilan.quartiers],
        formats={3: EURO, 4: PERCENT},
        totals=(3,),
    )
    reste = len(bilan.quartiers) + 3
    quartiers.cell(row=reste, column=1, value="Non ventilé entre quartiers").font = TOTAL_FONT
    quartiers.cell(row=reste, column=4, value=bilan.non_ventile).number_format = EURO
    add_table(
        workbook,
        "Par financeur",
        [
            "Financeur",
            "Nombre d'actions",
            "Crédits spécifiques",
            "Droit commun",
            "Total accordé",
            "Part du total accordé",
        ],
        [
            (f.nom, f.nb_actions, f.credits_specifiques, f.droit_commun, f.total_accorde, f.part)
            for f in bilan.financeurs
        ],
        formats={2: EURO, 3: EURO, 4: EURO, 5: PERCENT},
        totals=(2, 3, 4),
    )
    add_table(
        workbook,
        "Reconductions",
        [
            "Année",
            "Reconductions",
            "Crédits des reconductions",
            "Actions nouvelles",
            "Crédits des actions nouvelles",
        ],
        [
            (
                a.annee,
                a.nb_reconductions,
                a.montant_reconductions,
                a.nb_nouvelles,
                a.montant_nouvelles,
            )
            for a in bilan.annees
        ],
        formats={2: EURO, 4: EURO},
        totals=(1, 2, 3, 4),
    )
    return workbook
