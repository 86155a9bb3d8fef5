"""Import of indicator values in the long layout: one row per (territory, indicator, vintage).

`indicateurs_import` reads a workbook or a CSV file (UTF-8, separated by semicolons or
commas), checks every row and writes everything in one transaction, or nothing at all when
one row is wrong; every error names its line, its column and the problem, in French.
Rows are matched on their natural key (territory, indicator, vintage) and updated in place,
so the same file imported twice changes nothing. Layout: docs/quartiers.md; for users, the
"Mode d'emploi" sheet of `indicateurs_workbook`.
"""

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from openpyxl import load_workbook

from cdv.excel import add_table, new_workbook
from cdv.imports_xlsx import ClasseurTropLourd, PasUnClasseur, xlsx_check
from quartiers.enums import TerritoireKind
from quartiers.models import CODES, Indicateur, Quartier, Territoire, ValeurIndicateur

VALEURS = "Valeurs"
MODE_EMPLOI = "Mode d'emploi"
SECRET = "s"
ANNEE_MIN = 1950


@dataclass(frozen=True)
class Colonne:
    key: str
    titre: str
    obligatoire: str
    aide: str
    exemple: str


COLONNES = [
    Colonne(
        "type",
        "Type de territoire",
        "sauf pour un quartier",
        "quartier, commune, epci, departement, france, qpv_france (moyenne nationale des QPV) "
        "ou qpv_epci (ensemble des QPV d'un EPCI). Vide : le code désigne un quartier.",
        "commune",
    ),
    Colonne(
        "code",
        "Code du territoire",
        "oui",
        "Code officiel : QP011002 pour un quartier, code INSEE pour une commune (11069), "
        "SIREN pour un EPCI ou l'ensemble de ses QPV (200035715), numéro du département (11), "
        "FR pour la France, QPV pour la moyenne nationale des QPV.",
        "11069",
    ),
    Colonne(
        "indicateur",
        "Indicateur",
        "oui",
        "Code de l'indicateur, tel qu'il figure dans la feuille « Indicateurs ».",
        "taux_pauvrete",
    ),
    Colonne("millesime", "Millésime", "oui", "Année à laquelle se rapporte la valeur.", "2019"),
    Colonne(
        "valeur",
        "Valeur",
        "oui",
        "Nombre, avec une virgule ou un point décimal (27,5) ; les pourcentages en points "
        "(27 pour 27 %). « s » pour une valeur sous secret statistique.",
        "27",
    ),
    Colonne(
        "secret",
        "Secret",
        "non",
        "« oui » quand la source n'a pas diffusé la valeur (laissez alors la valeur vide ou "
        "écrivez « s »). Vide : non.",
        "non",
    ),
    Colonne("source", "Source", "non", "Précision libre sur la source (255 caractères).", ""),
]
TITRES = {colonne.key: colonne.titre for colonne in COLONNES}
OUI = {"oui", "o", "vrai", "1", "x", "yes", "true"}
NON = {"non", "n", "faux", "0", "no", "false", ""}


def normalize(value):
    """Lower case, without accents, single spaces, "_" as space: how labels compare."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("’", "'").replace("_", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


COLONNES_PAR_TITRE = {normalize(c.titre): c.key for c in COLONNES} | {
    normalize(c.key): c.key for c in COLONNES
}
KINDS = {normalize(value): value for value in TerritoireKind.values} | {
    normalize(label): value for value, label in TerritoireKind.choices
}


@dataclass(frozen=True)
class ErreurImport:
    """One problem of the file: its line (None for the whole file), column title, message."""

    ligne: int | None
    colonne: str
    message: str


@dataclass
class ResultatImport:
    """What an import found and did. Nothing is written when `erreurs` is not empty."""

    erreurs: list = field(default_factory=list)
    nb_lignes: int = 0
    compte: Counter = field(default_factory=Counter)

    @property
    def valide(self):
        return not self.erreurs

    @property
    def crees(self):
        return self.compte["crees"]

    @property
    def modifies(self):
        return self.compte["modifies"]

    @property
    def inchanges(self):
        return self.compte["inchanges"]


# Reading ----------------------------------------------------------------------------------


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
        sheets = [workbook[VALEURS]] if VALEURS in workbook.sheetnames else []
        sheets += [s for s in workbook.worksheets if s.title != VALEURS]
        for sheet in sheets:
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            if rows and normalize(TITRES["indicateur"]) in {normalize(c) for c in rows[0] if c}:
                return rows
        return [list(row) for row in sheets[0].iter_rows(values_only=True)] if sheets else []
    finally:
        workbook.close()


def _csv_rows(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FichierIllisible from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


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
    positions = {}
    for index, cell in enumerate(rows[0]):
        key = COLONNES_PAR_TITRE.get(normalize(cell)) if cell not in (None, "") else None
        if key and key not in positions:
            positions[key] = index
    erreurs = [
        ErreurImport(1, colonne.titre, f"Colonne « {colonne.titre} » absente de l'en-tête.")
        for colonne in COLONNES
        if colonne.obligatoire != "non" and colonne.key != "type" and colonne.key not in positions
    ]
    lignes = []
    for number, row in enumerate(rows[1:], start=2):
        values = {}
        for key, index in positions.items():
            value = row[index] if index < len(row) else None
            if isinstance(value, str):
                value = value.strip()
            values[key] = "" if value is None else value
        if any(value != "" for value in values.values()):
            lignes.append((number, values))
    return lignes, erreurs


# Checking ---------------------------------------------------------------------------------


class _Invalide(Exception):
    pass


def parse_valeur(raw):
    """(Decimal or None, secret by "s"): French or English decimals, spaces, % and € allowed."""
    if isinstance(raw, bool):
        raise _Invalide("La valeur doit être un nombre.")
    if isinstance(raw, int | float | Decimal):
        return Decimal(str(raw)), False
    text = str(raw).strip()
    if text == "":
        return None, False
    if text.casefold() in (SECRET, "secret"):
        return None, True
    text = re.sub(r"[\s\u00a0\u202f%€]", "", text).replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Invalide(
            f"« {raw} » n'est pas un nombre : écrivez par exemple 27,5 (ou « s » pour un "
            "secret statistique)."
        ) from None
    if not value.is_finite():
        raise _Invalide(f"« {raw} » n'est pas un nombre.")
    return value, False


def _check_precision(value):
    if value.as_tuple().exponent < -3 and value != value.quantize(Decimal("0.001")):
        raise _Invalide("Trois décimales au plus.")
    if abs(value) >= Decimal("1e12"):
        raise _Invalide("Valeur trop grande (moins de mille milliards).")
    return value.quantize(Decimal("0.001"))


def parse_millesime(raw):
    text = str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if not text:
        raise _Invalide("Le millésime est obligatoire.")
    fin = datetime.date.today().year
    if not text.isdigit() or not ANNEE_MIN <= int(text) <= fin:
        raise _Invalide(f"Millésime « {raw} » invalide : une année entre {ANNEE_MIN} et {fin}.")
    return int(text)


def parse_secret(raw):
    text = normalize(raw)
    if text in OUI:
        return True
    if text in NON:
        return False
    raise _Invalide(f"« {raw} » : écrivez « oui » ou « non ».")


class _References:
    """The territories and indicators the rows may name, read once."""

    def __init__(self, user):
        self.indicateurs = {i.code: i for i in Indicateur.objects.all()}
        quartiers = Quartier.objects.exclude(code="").select_related("territoire")
        if user is not None:
            quartiers = quartiers.for_user(user)
        self.quartiers = {q.code.upper(): q.territoire for q in quartiers if q.territoire_id}
        self.territoires = {
            (t.kind, t.code.upper()): t
            for t in Territoire.objects.exclude(kind=TerritoireKind.QUARTIER)
        }

    def territoire(self, raw_kind, raw_code):
        code = str(raw_code).strip().upper()
        if not code:
            raise _Invalide("Le code du territoire est obligatoire.")
        if raw_kind == "":
            if not re.fullmatch(CODES[TerritoireKind.QUARTIER][0], code):
                raise _Invalide(
                    "Indiquez le type de territoire : sans type, le code doit être celui d'un "
                    "quartier (QP011002)."
                )
            kind = TerritoireKind.QUARTIER
        else:
            kind = KINDS.get(normalize(raw_kind))
            if kind is None:
                raise _Invalide(f"Type de territoire « {raw_kind} » inconnu.", "type")
        if kind == TerritoireKind.QUARTIER:
            if code not in self.quartiers:
                raise _Invalide(f"Aucun quartier de vos contrats n'a le code « {code} ».")
            return self.quartiers[code]
        if (kind, code) not in self.territoires:
            label = TerritoireKind(kind).label.lower()
            raise _Invalide(
                f"Territoire inconnu : aucun territoire de type « {label} » n'a le code "
                f"« {code} » (à créer d'abord dans l'administration)."
            )
        return self.territoires[(kind, code)]


@dataclass(frozen=True)
class LignePlan:
    number: int
    territoire: Territoire
    indicateur: Indicateur
    millesime: int
    valeur: Decimal | None
    secret: bool
    source: str

    @property
    def cle(self):
        return (self.territoire.pk, self.indicateur.pk, self.millesime)


def _parse_ligne(number, values, ref, erreurs):
    def error(key, message):
        erreurs.append(ErreurImport(number, TITRES[key], message))

    parsed = {}
    try:
        parsed["territoire"] = ref.territoire(values.get("type", ""), values.get("code", ""))
    except _Invalide as exc:
        error(exc.args[1] if len(exc.args) > 1 else "code", exc.args[0])
    code = str(values.get("indicateur", "")).strip()
    if not code:
        error("indicateur", "Le code de l'indicateur est obligatoire.")
    elif code not in ref.indicateurs:
        error("indicateur", f"Indicateur inconnu : « {code} » (voir la feuille « Indicateurs »).")
    else:
        parsed["indicateur"] = ref.indicateurs[code]
    try:
        parsed["millesime"] = parse_millesime(values.get("millesime", ""))
    except _Invalide as exc:
        error("millesime", exc.args[0])
    try:
        valeur, secret_s = parse_valeur(values.get("valeur", ""))
        secret = parse_secret(values.get("secret", "")) or secret_s
        if secret and valeur is not None:
            error("valeur", "Valeur donnée sous secret statistique : laissez-la vide ou « s ».")
        elif not secret and valeur is None:
            error("valeur", "Valeur manquante : un nombre, ou « s » pour un secret statistique.")
        else:
            parsed["valeur"] = None if valeur is None else _check_precision(valeur)
            parsed["secret"] = secret
    except _Invalide as exc:
        column = "secret" if "oui" in exc.args[0] else "valeur"
        error(column, exc.args[0])
    source = str(values.get("source", "")).strip()
    if len(source) > 255:
        error("source", "La source dépasse 255 caractères.")
    if len(parsed) < 5:
        return None
    return LignePlan(number=number, source=source, **parsed)


def build_plan(lignes, user):
    """Check every row: ([LignePlan], [ErreurImport]), the errors in line order."""
    ref = _References(user)
    plan, erreurs, vues = [], [], {}
    for number, values in lignes:
        ligne = _parse_ligne(number, values, ref, erreurs)
        if ligne is None:
            continue
        if ligne.cle in vues:
            erreurs.append(
                ErreurImport(
                    number,
                    TITRES["millesime"],
                    f"Même territoire, indicateur et millésime qu'à la ligne {vues[ligne.cle]}.",
                )
            )
            continue
        vues[ligne.cle] = number
        plan.append(ligne)
    return plan, erreurs


# Writing ----------------------------------------------------------------------------------


def _write(plan, resultat):
    existing = {
        (v.territoire_id, v.indicateur_id, v.millesime): v
        for v in ValeurIndicateur.objects.filter(
            territoire__in={ligne.territoire.pk for ligne in plan},
            indicateur__in={ligne.indicateur.pk for ligne in plan},
        )
    }
    for ligne in plan:
        valeur = existing.get(ligne.cle)
        if valeur is None:
            valeur = ValeurIndicateur(
                territoire=ligne.territoire, indicateur=ligne.indicateur, millesime=ligne.millesime
            )
            status = "crees"
        elif (valeur.valeur, valeur.secret, valeur.source) == (
            ligne.valeur,
            ligne.secret,
            ligne.source,
        ):
            resultat.compte["inchanges"] += 1
            continue
        else:
            status = "modifies"
        valeur.valeur, valeur.secret, valeur.source = ligne.valeur, ligne.secret, ligne.source
        valeur.full_clean(validate_unique=status == "crees")
        valeur.save()
        resultat.compte[status] += 1


def indicateurs_import_rows(*, lignes, user=None):
    """Import rows already read: [(line number, {column key: value})], keys of COLONNES.

    Quartiers are those `user` sees (every quartier when None: the management command and
    the demo). Every row is checked first; with any error nothing is written. Otherwise
    values are created or updated in one transaction. Returns a ResultatImport."""
    resultat = ResultatImport(nb_lignes=len(lignes))
    plan, erreurs = build_plan(lignes, user)
    if erreurs:
        resultat.erreurs = erreurs
        return resultat
    with transaction.atomic():
        _write(plan, resultat)
    return resultat


def indicateurs_import(*, fichier, user=None):
    """Import indicator values from `fichier` (.xlsx, or UTF-8 .csv separated by semicolons
    or commas): an uploaded file, a file object or a path. Returns a ResultatImport;
    nothing is written when it holds errors."""
    try:
        lignes, erreurs = read_rows(fichier)
    except FichierIllisible:
        message = "Le fichier n'est ni un classeur Excel (.xlsx) ni un fichier CSV en UTF-8."
        return ResultatImport(erreurs=[ErreurImport(None, "", message)])
    if erreurs:
        return ResultatImport(erreurs=erreurs, nb_lignes=len(lignes))
    if not lignes:
        message = "Le fichier ne contient aucune ligne à importer."
        return ResultatImport(erreurs=[ErreurImport(None, "", message)])
    return indicateurs_import_rows(lignes=lignes, user=user)


# Template ---------------------------------------------------------------------------------

EXEMPLES = [
    ["", "QP011002", "taux_pauvrete", 2019, 61, "", "FiLoSoFi 2019"],
    ["commune", "11069", "taux_pauvrete", 2019, 27, "", ""],
    ["", "QP011005", "familles_monoparentales", 2020, "s", "oui", "Caf.data 2020"],
]
NOTES = [
    "Une ligne par territoire, indicateur et millésime ; la première ligne porte les titres.",
    "L'import vérifie tout le fichier avant d'enregistrer quoi que ce soit : une seule ligne en "
    "erreur et rien n'est importé ; chaque erreur est signalée avec sa ligne et sa colonne.",
    "Une valeur déjà présente (même territoire, indicateur et millésime) est mise à jour : "
    "importer deux fois le même fichier ne change rien.",
    "Un secret statistique s'écrit « s » dans la colonne Valeur (ou Secret = oui) : il "
    "s'affiche « s » et n'est jamais compté comme zéro.",
    "Les lignes d'exemple de la feuille « Valeurs » sont à remplacer par vos données.",
]


def indicateurs_workbook(*, user):
    """The template: a "Valeurs" sheet with example rows, its "Mode d'emploi", the catalogue
    of indicators and the territories the user may name."""
    workbook = new_workbook()
    add_table(workbook, VALEURS, [c.titre for c in COLONNES], EXEMPLES)
    mode = add_table(
        workbook,
        MODE_EMPLOI,
        ["Colonne", "Obligatoire", "Contenu", "Exemple"],
        [[c.titre, c.obligatoire, c.aide, c.exemple] for c in COLONNES],
    )
    mode.column_dimensions["C"].width = 90
    mode.append([])
    for note in NOTES:
        mode.append([note])
    add_table(
        workbook,
        "Indicateurs",
        ["Code", "Libellé", "Unité", "Thème", "Source", "Sens favorable"],
        [
            [
                i.code,
                i.libelle,
                i.get_unite_display(),
                i.get_theme_display(),
                i.get_source_display(),
                i.get_sens_display(),
            ]
            for i in Indicateur.objects.for_user(user)
        ],
    )
    quartiers = Quartier.objects.for_user(user).exclude(code="")
    territoires = Territoire.objects.for_user(user).exclude(kind=TerritoireKind.QUARTIER)
    add_table(
        workbook,
        "Territoires",
        ["Type de territoire", "Code du territoire", "Nom"],
        [[TerritoireKind.QUARTIER.value, q.code, q.nom] for q in quartiers]
        + [[t.kind, t.code, t.nom] for t in territoires],
    )
    return workbook
