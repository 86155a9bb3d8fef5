"""Workbooks of the GUP's follow-up, written from gup.selectors' figures: the document de
suivi (one row per problem) and the statistics (with native Excel charts).

Dates are date cells shown dd/mm/yyyy; processing times are numbers of days with one
decimal; a missing figure is "—", never 0.
"""

from django.utils import timezone
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font

from cdv.excel import DATE, PERCENT, add_table, new_workbook
from cdv.formats import jour
from gup.enums import EtatSignalement
from gup.selectors import MANQUANT

JOURS = "0.0"
ENTIER = "0"
TITRE = Font(bold=True, size=14)
GRAS = Font(bold=True)

DEFINITIONS = [
    (
        "Délai de traitement",
        "Date de résolution moins date du signalement, en jours (un chiffre après la "
        "virgule). Seulement pour les signalements résolus.",
    ),
    (
        "Âge",
        "Nombre de jours écoulés depuis la date du signalement, pour un signalement encore ouvert.",
    ),
    (
        "En retard",
        "Signalement ouvert (nouveau, transmis, pris en charge, en cours ou hors compétence) "
        "dont l'échéance est dépassée à la date d'édition du document.",
    ),
    (
        "Résolu dans le délai",
        "Signalement résolu au plus tard le jour de son échéance (date locale, heure de Paris).",
    ),
    (
        "Médiane et 9e décile",
        "Méthode du rang le plus proche : on trie les N délais, la médiane est le délai de "
        "rang ⌈N/2⌉ et le 9e décile celui de rang ⌈0,9 × N⌉.",
    ),
    ("« — »", "Donnée manquante (par exemple aucun signalement résolu) : ce n'est pas zéro."),
]

COLONNES_SUIVI = [
    ("N°", "Numéro du signalement dans l'application."),
    ("Quartier", "Quartier où le problème a été signalé."),
    ("Diagnostic", "Date du diagnostic en marchant pendant lequel il a été relevé, s'il y a lieu."),
    ("Catégorie", "Nature du problème."),
    ("Description", "Description saisie lors du signalement."),
    ("Lieu", "Adresse ou repère du problème."),
    ("Organisation responsable", "Organisation chargée de le traiter."),
    ("État", "État du signalement à la date d'édition."),
    ("Signalé le", "Date du signalement."),
    ("Transmis le", "Date de transmission à l'organisation responsable."),
    ("Résolu le", "Date de résolution."),
    ("Échéance", "Date à laquelle le problème devait être traité."),
    ("Délai de traitement (jours)", "Pour un signalement résolu (voir les définitions)."),
    ("Âge (jours)", "Pour un signalement ouvert (voir les définitions)."),
    ("En retard", "« Oui » si le signalement est ouvert et son échéance dépassée."),
    ("Jours de retard", "Nombre de jours écoulés depuis l'échéance."),
]


def _date(value):
    """A date cell's value: the local date of a datetime; None stays empty."""
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        return timezone.localdate(value)
    return value


def _a_lire(workbook, titre, edition, colonnes):
    """The first sheet: what the workbook holds, its definitions and its columns."""
    sheet = workbook.create_sheet("À lire", 0)
    sheet.append([titre])
    sheet["A1"].font = TITRE
    sheet.append([f"Édité le {jour(edition)}."])
    sheet.append([])
    sheet.append(["Définitions"])
    sheet.cell(row=sheet.max_row, column=1).font = GRAS
    for nom, texte in DEFINITIONS:
        sheet.append([nom, texte])
    sheet.append([])
    sheet.append(["Colonnes"])
    sheet.cell(row=sheet.max_row, column=1).font = GRAS
    for nom, texte in colonnes:
        sheet.append([nom, texte])
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return sheet


def suivi_workbook(document):
    """The document de suivi (selectors.suivi_quartier / suivi_diagnostic) as a workbook:
    a sheet "À lire", then one row per problem with real date cells."""
    workbook = new_workbook()
    workbook.properties.title = document.titre
    rows = []
    for ligne in document.lignes:
        s = ligne.signalement
        rows.append(
            [
                s.pk,
                s.quartier.nom,
                s.diagnostic.date if s.diagnostic_id else None,
                s.categorie.libelle,
                s.description,
                s.adresse,
                s.organisation_responsable.nom if s.organisation_responsable_id else "",
                s.get_etat_display(),
                _date(s.signale_le),
                _date(s.transmis_le),
                _date(s.resolu_le),
                s.echeance,
                float(ligne.delai) if ligne.delai is not None else None,
                ligne.age,
                "Oui" if ligne.en_retard else "Non",
                ligne.jours_retard,
            ]
        )
    sheet = add_table(
        workbook,
        "Suivi",
        [nom for nom, _ in COLONNES_SUIVI],
        rows,
        formats={2: DATE, 8: DATE, 9: DATE, 10: DATE, 11: DATE, 12: JOURS, 13: ENTIER, 15: ENTIER},
    )
    for letter, width in {"E": 50, "F": 30, "G": 30}.items():
        sheet.column_dimensions[letter].width = width
    _a_lire(workbook, document.titre, document.today, COLONNES_SUIVI)
    return workbook


def _nombre(value):
    """A figure (days, share) as a number; a missing one as "—"."""
    return float(value) if value is not None else MANQUANT


def stats_workbook(stats, *, contrat, titre):
    """The statistics (selectors.statistiques) as a workbook: by responsible body, by year
    of report, by category × quartier × state, with native charts."""
    workbook = new_workbook()
    workbook.properties.title = titre
    lignes = [*stats.organisations, stats.total]
    organisations = add_table(
        workbook,
        "Par organisation",
        [
            "Organisation responsable",
            "Reçus",
            "Résolus",
            "Ouverts",
            "En retard",
            "Délai médian (jours)",
            "9e décile du délai (jours)",
            "Part résolue dans le délai",
        ],
        [
            (
                o.nom,
                o.recus,
                o.resolus,
                o.ouverts,
                o.en_retard,
                _nombre(o.mediane),
                _nombre(o.p90),
                _nombre(o.part_dans_delai),
            )
            for o in lignes
        ],
        formats={5: JOURS, 6: JOURS, 7: PERCENT},
    )
    for cell in organisations[len(lignes) + 1]:
        cell.font = GRAS
    if stats.organisations:
        last = len(stats.organisations) + 1
        chart = BarChart()
        chart.title = "Signalements par organisation responsable"
        chart.y_axis.title = "Signalements"
        chart.add_data(
            Reference(organisations, min_col=2, max_col=3, min_row=1, max_row=last),
            titles_from_data=True,
        )
        chart.add_data(
            Reference(organisations, min_col=5, min_row=1, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(organisations, min_col=1, min_row=2, max_row=last))
        chart.width, chart.height = 20, 10
        organisations.add_chart(chart, "J2")

    annees = add_table(
        workbook,
        "Par année",
        ["Année de signalement", "Reçus", "Résolus", "Délai médian (jours)"],
        [(a.annee, a.recus, a.resolus, _nombre(a.mediane)) for a in stats.evolution],
        formats={3: JOURS},
    )
    if stats.evolution:
        last = len(stats.evolution) + 1
        barres = BarChart()
        barres.title = "Évolution par année de signalement"
        barres.y_axis.title = "Signalements"
        barres.add_data(
            Reference(annees, min_col=2, max_col=3, min_row=1, max_row=last),
            titles_from_data=True,
        )
        barres.set_categories(Reference(annees, min_col=1, min_row=2, max_row=last))
        courbe = LineChart()
        courbe.add_data(
            Reference(annees, min_col=4, min_row=1, max_row=last), titles_from_data=True
        )
        courbe.y_axis.axId = 200
        courbe.y_axis.title = "Délai médian (jours)"
        courbe.y_axis.crosses = "max"
        barres += courbe
        barres.width, barres.height = 20, 10
        annees.add_chart(barres, "G2")

    etats = EtatSignalement.choices
    add_table(
        workbook,
        "Par catégorie et quartier",
        ["Catégorie", "Quartier", *[label for _, label in etats], "Total"],
        [(c.categorie, c.quartier, *c.comptes, c.total) for c in stats.categories_quartiers],
        totals=tuple(range(2, len(etats) + 3)),
    )
    colonnes = [
        ("Par organisation", "Signalements reçus, résolus, ouverts et en retard par organisation "
         "responsable ; délais médian et 9e décile ; part résolue dans le délai. La dernière "
         "ligne « Ensemble » compte tous les signalements."),
        ("Par année", "Signalements par année de signalement : reçus, résolus depuis, délai "
         "médian de ceux qui sont résolus."),
        ("Par catégorie et quartier", "Nombre de signalements de chaque état."),
    ]  # fmt: skip
    feuille = _a_lire(workbook, titre, stats.today, colonnes)
    feuille.cell(row=3, column=1, value=f"Contrat : {contrat.nom}")
    return workbook
