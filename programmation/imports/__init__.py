"""Import of the programming history of earlier years (layout: docs/import.md).

`programmation_import` reads a workbook (or CSV file) of one row per (action, funding line),
checks every row and writes everything in one transaction, or nothing at all when one row
is wrong. `programmation_export_rows` and `programmation_workbook` give the same layout
back, so that an export re-imports to the same data.
"""

from django.db import transaction

from programmation.imports.export import programmation_export_rows, programmation_workbook
from programmation.imports.layout import COLONNES
from programmation.imports.reading import ErreurImport, FichierIllisible, read_rows
from programmation.imports.validation import build_plan
from programmation.imports.writing import ResultatImport, write_plan

__all__ = [
    "COLONNES",
    "ErreurImport",
    "ResultatImport",
    "programmation_export_rows",
    "programmation_import",
    "programmation_import_rows",
    "programmation_workbook",
]


def programmation_import_rows(*, contrat, lignes, user):
    """Import rows already read: [(line number, {column key: value})], keys of COLONNES.

    Every row is checked first; any error and nothing is written (the ResultatImport lists
    them, line, column and message). Otherwise calls, porteurs, actions, quartier shares,
    funding lines, conventions and payments are created or updated in one transaction;
    `user` is recorded as the author of the conventions and payments.
    """
    resultat = ResultatImport(nb_lignes=len(lignes))
    plan, erreurs = build_plan(contrat, lignes)
    if erreurs:
        resultat.erreurs = erreurs
        return resultat
    with transaction.atomic():
        write_plan(plan=plan, contrat=contrat, user=user, resultat=resultat)
    return resultat


def programmation_import(*, contrat, fichier, user):
    """Import the programming history of `contrat` from `fichier` (.xlsx, or .csv separated
    by semicolons or commas): an uploaded file, a file object or a path. Returns a
    ResultatImport; nothing is written when it holds errors."""
    try:
        lignes, erreurs = read_rows(fichier)
    except FichierIllisible:
        return ResultatImport(
            erreurs=[
                ErreurImport(
                    None,
                    "",
                    "Le fichier n'est ni un classeur Excel (.xlsx) ni un fichier CSV lisible.",
                )
            ]
        )
    if erreurs:
        return ResultatImport(erreurs=erreurs, nb_lignes=len(lignes))
    if not lignes:
        return ResultatImport(
            erreurs=[ErreurImport(None, "", "Le fichier ne contient aucune ligne à importer.")]
        )
    return programmation_import_rows(contrat=contrat, lignes=lignes, user=user)
