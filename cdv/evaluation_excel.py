"""Layout of the evaluation workbook: a chapter sheet opens with title rows, then holds
several tables one under the other (styled as cdv.excel.add_table) and native charts on
their right, drawn from the tables' cells. `Contexte` carries what every chapter shares."""

import datetime
from dataclasses import dataclass, field

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cdv.excel import HEADER_FILL, HEADER_FONT, TOTAL_FONT, formule

TITRE_FONT = Font(bold=True, size=14)
LEGENDE_FONT = Font(bold=True, size=12)
SOURCE = "Chiffres produits par la plateforme cdv"
CHAPITRES = {
    "synthese": "1. Synthèse",
    "bilan": "2. Bilan physico-financier",
    "quartiers": "3. Quartiers",
    "gup": "4. GUP et TFPB",
    "pre": "5. PRE",
    "citeslab": "6. CitésLab",
    "gouvernance": "7. Gouvernance",
}
NON_ACCESSIBLE = "Ce chapitre n'est pas accessible avec vos droits."
NON_DISPONIBLE = "non disponible"
MANQUANT = "—"
# Rows a chart takes (default openpyxl height 7.5 cm ≈ 15 rows), plus a margin.
HAUTEUR_GRAPHIQUE = 18


@dataclass(frozen=True)
class Bloc:
    """Where a table landed: its header row, first and last data rows, its columns."""

    entete: int
    premiere: int
    derniere: int
    nb_colonnes: int

    @property
    def vide(self):
        return self.derniere < self.premiere


class Feuille:
    """A chapter sheet being written: `tableau()` appends a table, `graphique()` queues a
    chart; `finir()` places the charts right of the widest table."""

    def __init__(self, workbook, nom, titres):
        self.sheet = workbook.create_sheet(title=nom[:31])
        for numero, texte in enumerate(titres, start=1):
            self.sheet.cell(row=numero, column=1, value=texte)
        self.sheet["A1"].font = TITRE_FONT
        self.ligne = len(titres) + 2
        self.graphiques = []
        self.sheet.column_dimensions["A"].width = 40

    def texte(self, texte, *, gras=False):
        cell = self.sheet.cell(row=self.ligne, column=1, value=texte)
        if gras:
            cell.font = TOTAL_FONT
        self.ligne += 1

    def tableau(self, legende, entetes, lignes, *, formats=None, totaux=(), total_libelle="Total"):
        """A table under its caption; `totaux`: indexes of columns summed by a formula in a
        last row (as add_table). Returns its Bloc."""
        sheet, formats = self.sheet, formats or {}
        sheet.cell(row=self.ligne, column=1, value=legende).font = LEGENDE_FONT
        entete = self.ligne + 1
        for colonne, titre in enumerate(entetes, start=1):
            cell = sheet.cell(row=entete, column=colonne, value=titre)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            letter = get_column_letter(colonne)
            width = max(14, min(45, len(titre) + 4))
            if colonne > 1 and (sheet.column_dimensions[letter].width or 0) < width:
                sheet.column_dimensions[letter].width = width
        numero = entete
        for numero, ligne in enumerate(lignes, start=entete + 1):
            for colonne, valeur in enumerate(ligne):
                cell = sheet.cell(row=numero, column=colonne + 1, value=valeur)
                if colonne in formats and not isinstance(valeur, str):
                    cell.number_format = formats[colonne]
        bloc = Bloc(entete, entete + 1, numero, len(entetes))
        self.ligne = numero + 1
        if totaux:
            sheet.cell(row=self.ligne, column=1, value=total_libelle).font = TOTAL_FONT
            for index in totaux:
                letter = get_column_letter(index + 1)
                cell = sheet.cell(row=self.ligne, column=index + 1)
                somme = f"=SUM({letter}{bloc.premiere}:{letter}{bloc.derniere})"
                formule(cell, 0 if bloc.vide else somme)
                cell.font = TOTAL_FONT
                cell.number_format = formats.get(index, "General")
            self.ligne += 1
        self.ligne += 1
        return bloc

    def graphique(self, bloc, colonnes, titre, *, axe="", format_axe=None, courbe=False):
        """A bar (or line) chart of `colonnes` (1-based) of `bloc`, categories from its first
        column. Nothing when the table is empty."""
        if bloc.vide:
            return None
        chart = LineChart() if courbe else BarChart()
        chart.title = titre
        chart.y_axis.title = axe
        if format_axe:
            chart.y_axis.numFmt = format_axe
        for colonne in colonnes:
            data = Reference(
                self.sheet, min_col=colonne, min_row=bloc.entete, max_row=bloc.derniere
            )
            chart.add_data(data, titles_from_data=True)
        chart.set_categories(
            Reference(self.sheet, min_col=1, min_row=bloc.premiere, max_row=bloc.derniere)
        )
        chart.width, chart.height = 18, 8
        self.graphiques.append(chart)
        return chart

    def finir(self):
        colonne = get_column_letter(self.sheet.max_column + 2)
        for index, chart in enumerate(self.graphiques):
            self.sheet.add_chart(chart, f"{colonne}{3 + index * HAUTEUR_GRAPHIQUE}")
        return self.sheet


@dataclass
class Contexte:
    user: object
    contrat: object
    annee_debut: int
    annee_fin: int
    today: datetime.date
    # Key figures gathered by the chapters for the synthesis: (label, value, format).
    chiffres: list = field(default_factory=list)
    bilan: object = None

    @property
    def annees(self):
        return list(range(self.annee_debut, self.annee_fin + 1))

    def titres(self, chapitre):
        return [
            chapitre,
            f"{self.contrat.nom} — période {self.annee_debut}–{self.annee_fin}",
            f"Produit le {self.today:%d/%m/%Y}",
            SOURCE,
        ]

    def feuille(self, workbook, code):
        return Feuille(workbook, CHAPITRES[code], self.titres(CHAPITRES[code]))

    def refus(self, workbook, code):
        feuille = self.feuille(workbook, code)
        feuille.texte(NON_ACCESSIBLE, gras=True)
        return feuille.finir()


def nombre(valeur):
    """A figure as the workbook holds it: numbers stay numbers, None becomes « — »."""
    return MANQUANT if valeur is None else valeur
