"""The PRE's anonymised Excel bilan: one sheet per breakdown, small counts masked exactly as
on the page (the figures come from pre.selectors, already masked)."""

from django.utils import timezone

from cdv.excel import TOTAL_FONT, add_table, new_workbook
from pre.selectors import SECRET, tableau


def stats_workbook(stats, *, contrat):
    """`stats`: masked statistics (Statistiques.masquees())."""
    workbook = new_workbook()
    notes = workbook.create_sheet("Lisez-moi")
    for ligne in [
        f"Statistiques du PRE — {contrat.nom}",
        f"Années : {stats.annees[0]} à {stats.annees[-1]} ; édité le "
        f"{timezone.localdate():%d/%m/%Y}.",
        "Comptes de parcours, sans aucune donnée nominative.",
        f"« < {stats.seuil} » : effectif de 1 à {stats.seuil - 1}, masqué.",
        f"« {SECRET} » : effectif masqué pour qu'un petit effectif ne puisse être recalculé "
        "à partir du total.",
        "Âge : âge atteint dans l'année (année − année de naissance).",
    ]:
        notes.append([ligne])
    notes["A1"].font = TOTAL_FONT
    notes.column_dimensions["A"].width = 100
    for repartition in stats.repartitions:
        entetes, lignes = tableau(repartition, stats.annees)
        sheet = add_table(
            workbook,
            repartition.titre.removeprefix("Par ").capitalize(),
            ["Catégorie", *entetes],
            [[libelle, *valeurs] for libelle, valeurs in lignes],
        )
        for cell in sheet[sheet.max_row]:
            cell.font = TOTAL_FONT
    return workbook
