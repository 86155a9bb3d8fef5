"""CitésLab's activity report as an Excel workbook: a sheet for the funnel, one per
breakdown and one for the events, each opening with title rows (contract, period, masking).
The figures come from citeslab.selectors, already masked for the reader."""

from django.utils import timezone
from openpyxl.utils import get_column_letter

from cdv.excel import TOTAL_FONT, add_table, new_workbook
from citeslab.selectors import SECRET, tableau

FEUILLES = {
    "sexe": "Sexe",
    "age": "Âge",
    "residence": "Résidence",
    "canal": "Canal d'entrée",
    "statut": "Situation d'emploi",
}
TITRES = 4  # title rows, then an empty one, above each table


def _titres(rapport, contrat, titre):
    if rapport.masque:
        masquage = (
            f"Petits effectifs masqués : « < {rapport.seuil} » pour 1 à {rapport.seuil - 1} ; "
            f"« {SECRET} » pour qu'un effectif masqué ne puisse être recalculé à partir du total."
        )
    else:
        masquage = "Effectifs exacts, non masqués (équipe CitésLab) : ne pas diffuser."
    return [
        f"CitésLab — {titre}",
        f"{contrat.nom} — du {rapport.debut:%d/%m/%Y} au {rapport.fin:%d/%m/%Y} "
        f"(édité le {timezone.localdate():%d/%m/%Y})",
        masquage,
        "Comptes de personnes distinctes, sans aucune donnée nominative.",
    ]


def _feuille(workbook, rapport, contrat, nom, titre, entetes, lignes, *, total=True):
    """A table under its title rows; its last row (the total) in bold."""
    sheet = add_table(workbook, nom, entetes, lignes)
    sheet.insert_rows(1, amount=TITRES + 1)
    for numero, texte in enumerate(_titres(rapport, contrat, titre), start=1):
        sheet.cell(row=numero, column=1, value=texte)
    sheet["A1"].font = TOTAL_FONT
    debut = TITRES + 2  # the header row
    sheet.freeze_panes = f"A{debut + 1}"
    sheet.auto_filter.ref = f"A{debut}:{get_column_letter(len(entetes))}{sheet.max_row}"
    if total:
        for cell in sheet[sheet.max_row]:
            cell.font = TOTAL_FONT
    return sheet


def rapport_workbook(rapport, *, contrat):
    """`rapport`: a citeslab.selectors.Rapport as its reader may see it."""
    workbook = new_workbook()
    _feuille(
        workbook,
        rapport,
        contrat,
        "Entonnoir",
        "entonnoir de la période",
        ["Étape", "Effectif"],
        [[ligne.libelle, ligne.valeurs["effectif"]] for ligne in rapport.entonnoir],
        total=False,
    )
    for repartition in rapport.repartitions:
        entetes, lignes = tableau(repartition)
        _feuille(
            workbook,
            rapport,
            contrat,
            FEUILLES[repartition.code],
            repartition.titre.lower(),
            ["Catégorie", *entetes],
            [[libelle, *valeurs] for libelle, valeurs in lignes],
        )
    _feuille(
        workbook,
        rapport,
        contrat,
        "Événements",
        "événements par type",
        ["Type d'événement", "Événements", "Participants"],
        [
            [ligne.libelle, ligne.nombre, ligne.participants]
            for ligne in [*rapport.evenements, rapport.evenements_total]
        ],
    )
    return workbook
