"""The programming table as a CSV file for French spreadsheets and as a workbook, written
from programmation.tableau: the same rows, sort and totals as the page, every page."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from openpyxl.chart import BarChart, Reference

from cdv.excel import CSV, DATE, EURO, add_table, new_workbook, texte_sur
from cdv.formats import jour
from programmation.filters import NouveauteAction
from programmation.tableau import COLONNES, COLONNES_EXPORT, GROUPES, MONTANTS

FEUILLE = "Programmation"
EVOLUTION = "Évolution"
NOUVEAUTE = dict(NouveauteAction.CHOICES)


@dataclass(frozen=True)
class Colonne:
    entete: str
    valeur: Callable  # Ligne → value
    total: Callable | None = None  # Tableau → value, for amounts
    format: str | None = None


def colonnes_choisies(params):
    """The codes of the columns asked by `colonnes=` (repeated); all of them when none is."""
    valides = [code for code, _ in COLONNES_EXPORT]
    choisies = {code for code in params.getlist("colonnes") if code in valides}
    return choisies or set(valides)


def choix_colonnes(params):
    """The export form's checkboxes: (legend, [(code, label, checked)]) per fieldset."""
    choisies = colonnes_choisies(params)

    def cases(options):
        return [(code, label, code in choisies) for code, label in options]

    return [
        ("Colonnes", cases(COLONNES)),
        ("Montants", cases(MONTANTS)),
        ("Groupes de montants", cases(GROUPES)),
    ]


def _date(moment):
    return timezone.localtime(moment).date() if moment else None


DESCRIPTIVES = {
    "annee": lambda ligne: ligne.action.appel.annee,
    "porteur": lambda ligne: ligne.action.porteur.nom,
    "intitule": lambda ligne: ligne.action.intitule,
    "pilier": lambda ligne: ligne.action.pilier.nom if ligne.action.pilier_id else "",
    "quartiers": lambda ligne: ", ".join(ligne.quartiers),
    "nouveaute": lambda ligne: NOUVEAUTE[
        NouveauteAction.RECONDUCTION if ligne.action.est_reconduction else NouveauteAction.NOUVELLE
    ],
    "etat": lambda ligne: ligne.action.get_etat_display(),
    "deposee_le": lambda ligne: _date(ligne.action.deposee_le),
}


def colonnes(tableau, choisies):
    """The columns of the export, in the page's order: descriptive ones, then a group per
    funder, then the totals; each group has the kinds of amount chosen."""
    result = [
        Colonne(label, DESCRIPTIVES[code], format=DATE if code == "deposee_le" else None)
        for code, label in COLONNES
        if code in choisies
    ]
    montants = [(code, label.lower()) for code, label in MONTANTS if code in choisies]
    if "financeurs" in choisies:
        for i, financeur in enumerate(tableau.financeurs):
            for code, label in montants:
                result.append(
                    Colonne(
                        f"{financeur.nom} — {label}",
                        lambda ligne, i=i, code=code: getattr(ligne.par_financeur[i], code),
                        lambda t, i=i, code=code: getattr(t.totaux[i], code),
                        EURO,
                    )
                )
    if "totaux" in choisies:
        for code, label in montants:
            result.append(
                Colonne(
                    f"Total {label}",
                    lambda ligne, code=code: getattr(ligne.total, code),
                    lambda t, code=code: getattr(t.total, code),
                    EURO,
                )
            )
    return result


def _texte(value, colonne):
    """A cell as French Excel reads a CSV: decimal comma, dates dd/mm/yyyy; a text starting
    like a formula quoted (texte_sur)."""
    if value is None:
        return ""
    if colonne.format == EURO:
        return f"{value:.2f}".replace(".", ",")
    if colonne.format == DATE:
        return jour(value)
    return texte_sur(value) if isinstance(value, str) else str(value)


def csv_texte(tableau, *, choisies):
    """UTF-8 with a BOM and `;`: what French Excel opens without an import wizard. The
    last row holds the totals of the amounts."""
    cols = colonnes(tableau, choisies)
    sortie = io.StringIO()
    sortie.write("\ufeff")
    writer = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    writer.writerow([texte_sur(c.entete) for c in cols])
    for ligne in tableau.lignes:
        writer.writerow([_texte(c.valeur(ligne), c) for c in cols])
    totaux = [_texte(c.total(tableau), c) if c.total else "" for c in cols]
    if cols and not cols[0].total:
        totaux[0] = "Total"
    writer.writerow(totaux)
    return sortie.getvalue()


def csv_response(tableau, *, choisies, filename):
    """The table as a CSV download (csv_texte)."""
    response = HttpResponse(csv_texte(tableau, choisies=choisies), content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def tableau_workbook(tableau, evolution, *, choisies, titre):
    """The table on a first sheet (euro formats, totals as SUM formulas, frozen header,
    auto-filter), and the yearly evolution with its chart on a second one."""
    workbook = new_workbook()
    workbook.properties.title = titre
    cols = colonnes(tableau, choisies)
    add_table(
        workbook,
        FEUILLE,
        [c.entete for c in cols],
        ([c.valeur(ligne) for c in cols] for ligne in tableau.lignes),
        formats={i: c.format for i, c in enumerate(cols) if c.format},
        totals=[i for i, c in enumerate(cols) if c.total],
    )
    _evolution(workbook, evolution)
    return workbook


def _evolution(workbook, annees):
    sheet = add_table(
        workbook,
        EVOLUTION,
        ["Année", "Nombre d'actions", "Total demandé", "Total accordé", "Total versé"],
        [(a.annee, a.nb_actions, a.demande, a.accorde, a.verse) for a in annees],
        formats={2: EURO, 3: EURO, 4: EURO},
        totals=(1, 2, 3, 4),
    )
    last = len(annees) + 1
    chart = BarChart()
    chart.title = "Évolution annuelle des montants"
    chart.y_axis.title = "Montants (€)"
    chart.y_axis.numFmt = EURO
    chart.x_axis.title = "Année"
    chart.add_data(
        Reference(sheet, min_col=3, max_col=5, min_row=1, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    chart.width, chart.height = 20, 10
    sheet.add_chart(chart, "H2")
