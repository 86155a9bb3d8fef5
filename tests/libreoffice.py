"""LibreOffice, headless, as the tests' independent spreadsheet: it recomputes a workbook's
formulas the way a user's office suite would (.ci/run installs it)."""

import csv
import subprocess

# ";" separated, UTF-8, the values themselves (not as formatted on screen).
CSV_FILTRE = "csv:Text - txt - csv (StarCalc):59,34,76,1,,1033,false,true,false,false"


def convertir(source, tmp_path, format_cible):
    """Convert the file `source` into tmp_path with LibreOffice; returns the new file's path."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            format_cible,
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return tmp_path / f"{source.stem}.{format_cible.split(':')[0]}"


def lignes_csv(source, tmp_path):
    """The first sheet of the workbook `source` as computed by LibreOffice: rows of strings."""
    with open(convertir(source, tmp_path, CSV_FILTRE), encoding="utf-8") as fichier:
        return list(csv.reader(fichier, delimiter=";"))
