"""Reading an import file (.xlsx or .csv) into raw rows keyed by column."""

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from cdv.imports_xlsx import ClasseurTropLourd, PasUnClasseur, xlsx_check
from programmation.imports.layout import (
    COLONNES,
    COLONNES_PAR_TITRE,
    PROGRAMMATION,
    TITRES,
    normalize,
)


@dataclass(frozen=True)
class ErreurImport:
    """One problem of the file: its line (None for the whole file), column title, message."""

    ligne: int | None
    colonne: str
    message: str


class FichierIllisible(Exception):
    """The file is neither a workbook nor a CSV file the import can read."""


def _content(fichier):
    if isinstance(fichier, str | Path):
        path = Path(fichier)
        return path.name, path.read_bytes()
    if hasattr(fichier, "seek"):
        fichier.seek(0)
    return getattr(fichier, "name", "") or "", fichier.read()


def _xlsx_rows(content):
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FichierIllisible from exc
    try:
        sheets = [workbook[PROGRAMMATION]] if PROGRAMMATION in workbook.sheetnames else []
        sheets += [s for s in workbook.worksheets if s.title != PROGRAMMATION]
        # The data sheet: "Programmation", else the first whose header names the year column.
        for sheet in sheets:
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            if rows and normalize(TITRES["annee"]) in {normalize(c) for c in rows[0] if c}:
                return rows
        return [list(row) for row in sheets[0].iter_rows(values_only=True)] if sheets else []
    finally:
        workbook.close()


def _csv_rows(content):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FichierIllisible
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value
    return "" if value is None else value


def read_rows(fichier):
    """The data rows of `fichier` as [(line number, {column key: raw value})], and the
    problems of its header. Raises FichierIllisible for a file that is not a table."""
    name, content = _content(fichier)
    if content[:2] == b"PK" or name.lower().endswith((".xlsx", ".xlsm")):
        try:
            xlsx_check(content)
        except PasUnClasseur as exc:
            raise FichierIllisible from exc
        except ClasseurTropLourd as exc:
            return [], [ErreurImport(None, "", str(exc))]
        rows = _xlsx_rows(content)
    else:
        rows = _csv_rows(content)
    if not rows:
        return [], [ErreurImport(None, "", "Le fichier est vide.")]
    header = [normalize(cell) if cell not in (None, "") else "" for cell in rows[0]]
    positions = {}
    for index, titre in enumerate(header):
        key = COLONNES_PAR_TITRE.get(titre)
        if key and key not in positions:
            positions[key] = index
    erreurs = [
        ErreurImport(1, colonne.titre, f"Colonne « {colonne.titre} » absente de l'en-tête.")
        for colonne in COLONNES
        if colonne.key not in positions
    ]
    lignes = []
    for number, row in enumerate(rows[1:], start=2):
        values = {
            key: _clean(row[index]) if index < len(row) else "" for key, index in positions.items()
        }
        if all(value == "" for value in values.values()):
            continue
        lignes.append((number, values))
    return lignes, erreurs
