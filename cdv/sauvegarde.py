"""Backups that restore: a database dump, the uploaded files and a manifest to check them.

A backup is a folder `sauvegarde-<date>` holding the dump (`base.pgdump`, `pg_dump -Fc`, or
`base.sqlite3`), the media (`medias.tar.gz`) and `manifeste.json`: the date, the migration state
and the fingerprint (`empreinte`) of the data, row counts per model and, per amount field, its
sum and a SHA-256 of its (pk, value) pairs. Restoring replays the dump and the files, computes the
fingerprint again on the restored database and compares. See docs/sauvegardes.md.
"""

import contextlib
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import uuid
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend

APPS = ["cdv", "programmation", "quartiers", "gup", "pre", "citeslab"]
MANIFESTE = "manifeste.json"
MEDIAS = "medias.tar.gz"
DUMPS = {"postgresql": "base.pgdump", "sqlite": "base.sqlite3"}
PREFIXE = "sauvegarde-"
FORMAT = 1


class SauvegardeErreur(Exception):
    """A backup or a restore that cannot go on; the message is French, for the operator."""


def _moteur(alias):
    vendor = connections[alias].vendor
    if vendor not in DUMPS:
        raise SauvegardeErreur(f"Moteur de base non pris en charge : {vendor}.")
    return vendor


def _modeles():
    """Every concrete model of the project's apps, automatic many-to-many tables included."""
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.proxy or not model._meta.managed:
                continue
            yield model


def _texte(value, field):
    if value is None:
        return "NULL"
    # SQLite and PostgreSQL return different scales: the field's own scale makes them equal.
    return f"{Decimal(value):.{field.decimal_places}f}"


def empreinte(alias="default"):
    """Fingerprint of the data of database `alias`: {"lignes": {"app.Model": count},
    "montants": {"app.Model.field": {"somme", "sha256", "nom"}}, "migrations": {app: latest}}.
    Sums and hashes are computed in Python from the values read, so encrypted or not, SQLite or
    PostgreSQL, the same data gives the same fingerprint."""
    lignes, montants = {}, {}
    for model in _modeles():
        label = model._meta.label
        queryset = model._base_manager.using(alias)
        lignes[label] = queryset.count()
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DecimalField):
                continue
            somme, sha = Decimal(0), hashlib.sha256()
            pairs = queryset.order_by("pk").values_list("pk", field.attname)
            for pk, value in pairs.iterator(chunk_size=2000):
                if value is not None:
                    somme += value
                sha.update(f"{pk}={_texte(value, field)}\n".encode())
            montants[f"{label}.{field.name}"] = {
                "nom": f"{model._meta.verbose_name} — {field.verbose_name}",
                "somme": _texte(somme, field),
                "sha256": sha.hexdigest(),
            }
    applied = MigrationRecorder(connections[alias]).applied_migrations()
    migrations = {}
    for app, name in applied:
        migrations[app] = max(migrations.get(app, name), name)
    return {"lignes": lignes, "montants": montants, "migrations": dict(sorted(migrations.items()))}


def empreintes_comparer(*, attendue, obtenue):
    """The differences between two fingerprints, one French sentence each (empty: identical)."""
    differences = []
    for label in sorted(set(attendue["lignes"]) | set(obtenue["lignes"])):
        avant, apres = attendue["lignes"].get(label), obtenue["lignes"].get(label)
        if avant != apres:
            differences.append(
                f"{label} : {_ou_absent(avant)} lignes attendues, {_ou_absent(apres)} trouvées."
            )
    for cle in sorted(set(attendue["montants"]) | set(obtenue["montants"])):
        avant, apres = attendue["montants"].get(cle), obtenue["montants"].get(cle)
        if avant is None or apres is None:
            differences.append(f"Montant {cle} : présent d'un seul côté.")
        elif avant["somme"] != apres["somme"]:
            differences.append(
                f"Montant {cle} ({avant['nom']}) : somme attendue {avant['somme']}, "
                f"trouvée {apres['somme']}."
            )
        elif avant["sha256"] != apres["sha256"]:
            differences.append(
                f"Montant {cle} ({avant['nom']}) : même somme mais valeurs différentes "
                "(empreinte SHA-256)."
            )
    for app in sorted(set(attendue["migrations"]) | set(obtenue["migrations"])):
        avant, apres = attendue["migrations"].get(app), obtenue["migrations"].get(app)
        if avant != apres:
            differences.append(
                f"Migrations de {app} : {_ou_absent(avant)} attendue, {_ou_absent(apres)} trouvée."
            )
    return differences


def _ou_absent(value):
    return "aucune" if value is None else value


# --- Connections --------------------------------------------------------------------------


def _pg_commande(settings_dict):
    """Connection arguments and environment of the PostgreSQL client tools for a database."""
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in [("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")]:
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _executer(args, env):
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SauvegardeErreur(
            f"{args[0]} a échoué (code {result.returncode}) : {result.stderr.strip()}"
        )


def alias_ajouter(alias, settings_dict):
    """Make a database reachable as connection `alias` in this thread. The connection is
    registered with the handler only, not in DATABASES: Django's test isolation lets such
    dynamic connections through, and `.using(alias)` needs nothing more."""
    # configure_settings() fills Django's defaults; it insists on a "default" key.
    configured = connections.configure_settings({"default": dict(settings_dict)})["default"]
    connections[alias] = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, alias)


def alias_existe(alias):
    """Whether `alias` names a database of DATABASES or one added by alias_ajouter()."""
    return alias in connections.settings or hasattr(connections._connections, alias)


def fermer_alias(alias):
    """Close and forget a connection alias added by alias_ajouter()."""
    try:
        connection = getattr(connections._connections, alias)
    except AttributeError:
        return
    connection.close()
    del connections[alias]


@contextlib.contextmanager
def base_temporaire(url):
    """A database given by URL, reachable as a connection alias for the duration of the block."""
    alias = f"restauration_{uuid.uuid4().hex[:8]}"
    alias_ajouter(alias, dj_database_url.parse(url))
    try:
        yield alias
    finally:
        fermer_alias(alias)


# --- Backup -------------------------------------------------------------------------------


def _dossier_nouveau(sortie):
    sortie = Path(sortie)
    sortie.mkdir(parents=True, exist_ok=True)
    horodatage = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for rang in range(1, 100):
        nom = f"{PREFIXE}{horodatage}" + (f"-{rang}" if rang > 1 else "")
        try:
            (sortie / nom).mkdir(mode=0o700)
        except FileExistsError:
            continue
        return sortie / nom
    raise SauvegardeErreur(f"Impossible de créer un dossier de sauvegarde dans {sortie}.")


def _stockage_local():
    return isinstance(default_storage, FileSystemStorage)


def _medias_sauvegarder(dossier):
    """Tar the media folder; return {relative path: sha256} of the files saved."""
    racine = Path(settings.MEDIA_ROOT)
    fichiers = {}
    with tarfile.open(dossier / MEDIAS, "w:gz") as archive:
        if racine.is_dir():
            for chemin in sorted(p for p in racine.rglob("*") if p.is_file()):
                nom = chemin.relative_to(racine).as_posix()
                fichiers[nom] = hashlib.sha256(chemin.read_bytes()).hexdigest()
                archive.add(chemin, arcname=nom, recursive=False)
    return fichiers


def sauvegarde_creer(*, sortie, alias="default"):
    """Write a new backup folder in `sortie` and return its path. On PostgreSQL the dump and
    the fingerprint read the same snapshot (a REPEATABLE READ transaction exported to pg_dump),
    so writes during the backup cannot make them disagree. Media are saved after the database:
    a file uploaded meanwhile is at worst an extra file, never a missing one."""
    moteur = _moteur(alias)
    connection = connections[alias]
    if connection.in_atomic_block:
        raise SauvegardeErreur(
            "La sauvegarde doit s'exécuter hors de toute transaction ouverte : les données non "
            "validées ne seraient pas dans la copie de la base."
        )
    dossier = _dossier_nouveau(sortie)
    dump = dossier / DUMPS[moteur]
    if moteur == "postgresql":
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            args, env = _pg_commande(connection.settings_dict)
            _executer(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(dump)]
                + args
                + ["--dbname", connection.settings_dict["NAME"]],
                env,
            )
            donnees = empreinte(alias)
    else:
        connection.ensure_connection()
        destination = sqlite3.connect(dump)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        # The fingerprint is read from the copy itself: what is restored is what was counted.
        with base_temporaire(f"sqlite:///{dump}") as copie:
            donnees = empreinte(copie)
    manifeste = {
        "format": FORMAT,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "moteur": moteur,
        "base": dump.name,
        "medias": None,
        "fichiers": {},
        "migrations": donnees["migrations"],
        "empreinte": donnees,
    }
    if _stockage_local():
        manifeste["medias"] = MEDIAS
        manifeste["fichiers"] = _medias_sauvegarder(dossier)
    (dossier / MANIFESTE).write_text(json.dumps(manifeste, indent=2, ensure_ascii=False))
    return dossier


def sauvegardes_purger(*, sortie, conserver):
    """Delete all but the `conserver` most recent backup folders of `sortie`; return the
    deleted paths. Only folders named sauvegarde-… that hold a manifest are touched."""
    dossiers = sorted(
        (p for p in Path(sortie).glob(f"{PREFIXE}*") if (p / MANIFESTE).is_file()),
        key=lambda p: p.name,
    )
    supprimes = dossiers[: max(len(dossiers) - conserver, 0)]
    for dossier in supprimes:
        shutil.rmtree(dossier)
    return supprimes


# --- Restore ------------------------------------------------------------------------------


def manifeste_lire(dossier):
    """The manifest of a backup folder, after checking the files it names are there."""
    dossier = Path(dossier)
    chemin = dossier / MANIFESTE
    if not chemin.is_file():
        raise SauvegardeErreur(f"Le dossier {dossier} ne contient pas de manifeste ({MANIFESTE}).")
    try:
        manifeste = json.loads(chemin.read_text())
    except ValueError as error:
        raise SauvegardeErreur(f"Le manifeste {chemin} est illisible : {error}.") from None
    if not (dossier / manifeste.get("base", DUMPS["postgresql"])).is_file():
        raise SauvegardeErreur(
            f"Le dossier {dossier} ne contient pas la copie de la base ({manifeste.get('base')})."
        )
    if manifeste.get("medias") and not (dossier / manifeste["medias"]).is_file():
        raise SauvegardeErreur(f"Le dossier {dossier} ne contient pas les fichiers ({MEDIAS}).")
    return manifeste


def _base_vide(alias):
    return not connections[alias].introspection.table_names()


def _medias_restaurer(dossier, manifeste, media):
    """Extract the media archive into `media`; return the French differences with the
    manifest's list of files."""
    media = Path(media)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(dossier / manifeste["medias"], "r:gz") as archive:
        archive.extractall(media, filter="data")
    differences = []
    for nom, sha in sorted(manifeste["fichiers"].items()):
        chemin = media / nom
        if not chemin.is_file():
            differences.append(f"Fichier absent après restauration : {nom}.")
        elif hashlib.sha256(chemin.read_bytes()).hexdigest() != sha:
            differences.append(f"Fichier différent après restauration : {nom}.")
    return differences


def sauvegarde_restaurer(*, dossier, alias="default", media=None, ecraser=False):
    """Restore a backup folder into database `alias` and its files into `media` (MEDIA_ROOT by
    default), then compare the restored data with the manifest. Return the list of French
    differences (empty: the restore is verified)."""
    dossier = Path(dossier)
    manifeste = manifeste_lire(dossier)
    moteur = _moteur(alias)
    if manifeste["moteur"] != moteur:
        raise SauvegardeErreur(
            f"La sauvegarde vient d'une base {manifeste['moteur']}, la base cible est {moteur} : "
            "restaurez dans une base du même moteur."
        )
    if not ecraser and not _base_vide(alias):
        raise SauvegardeErreur(
            f"La base cible « {connections[alias].settings_dict['NAME']} » n'est pas vide : "
            "restaurez dans une base neuve, ou ajoutez --ecraser pour remplacer son contenu."
        )
    dump = dossier / manifeste["base"]
    connection = connections[alias]
    if moteur == "postgresql":
        connection.close()
        args, env = _pg_commande(connection.settings_dict)
        _executer(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error"]
            + args
            + ["--dbname", connection.settings_dict["NAME"], str(dump)],
            env,
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    differences = []
    if manifeste.get("medias"):
        differences += _medias_restaurer(dossier, manifeste, media or settings.MEDIA_ROOT)
    return differences + sauvegarde_verifier(dossier=dossier, alias=alias)


def sauvegarde_verifier(*, dossier, alias="default"):
    """Compare database `alias` with the manifest of a backup folder: the French differences."""
    manifeste = manifeste_lire(dossier)
    return empreintes_comparer(attendue=manifeste["empreinte"], obtenue=empreinte(alias))
