"""Backups restore: a dump of the suite's database, restored into a fresh database (PostgreSQL
on CI, a SQLite file locally), holds the same rows, the same amounts and the same files."""

import json
import re
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from cdv.sauvegarde import (
    MANIFESTE,
    alias_ajouter,
    empreinte,
    empreintes_comparer,
    fermer_alias,
)
from programmation import models
from tests.programmation import factories as prog

pytestmark = pytest.mark.django_db(transaction=True)

ALIAS = "restauration_test"


@pytest.fixture
def base_neuve(transactional_db, tmp_path):
    """A fresh, empty database reachable as the ALIAS connection, dropped afterwards."""
    source = connections["default"].settings_dict
    cible = {**source, "NAME": str(tmp_path / "restauree.sqlite3")}
    admin = None
    if connections["default"].vendor == "postgresql":
        cible["NAME"] = f"{source['NAME']}_restore"
        admin = psycopg.connect(
            dbname="postgres",
            host=source["HOST"] or None,
            port=source["PORT"] or None,
            user=source["USER"] or None,
            password=source["PASSWORD"] or None,
            autocommit=True,
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{cible["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{cible["NAME"]}"')
    alias_ajouter(ALIAS, cible)
    try:
        yield ALIAS
    finally:
        fermer_alias(ALIAS)
        if admin is not None:
            admin.execute(f'DROP DATABASE IF EXISTS "{cible["NAME"]}" WITH (FORCE)')
            admin.close()


@pytest.fixture
def programmation(contrat):
    """An application with a budget and a second funder, and the statutes attached to it."""
    action = prog.ActionCompleteFactory(appel=prog.AppelFactory(contrat=contrat))
    prog.FinancementFactory(
        action=action, montant_demande=Decimal("2500.50"), montant_accorde=Decimal("2000")
    )
    document = action.porteur.documents.get(nature="statuts")
    models.PieceJointe.objects.create(action=action, document=document)
    return action


def test_it_restores_rows_amounts_and_files_into_a_fresh_database(
    programmation, base_neuve, tmp_path, capsys
):
    document = programmation.porteur.documents.get(nature="statuts")
    contenu = Path(document.fichier.path).read_bytes()

    call_command("sauvegarder", sortie=tmp_path / "sauvegardes")
    (dossier,) = (tmp_path / "sauvegardes").iterdir()
    manifeste = json.loads((dossier / MANIFESTE).read_text())
    # 6 000 € asked of the EPCI by the factory, 2 500,50 € of the second funder.
    assert manifeste["empreinte"]["lignes"]["programmation.Financement"] == 2
    financement = manifeste["empreinte"]["montants"]["programmation.Financement.montant_demande"]
    assert financement["somme"] == "8500.50"
    # Charges 8 000 + 2 000, produits 6 000 + 4 000.
    budget = manifeste["empreinte"]["montants"]["programmation.LigneBudget.montant_previsionnel"]
    assert budget["somme"] == "20000.00"

    media = tmp_path / "media-restauree"
    capsys.readouterr()
    call_command("restaurer", dossier, base=base_neuve, media=media)
    sortie = capsys.readouterr().out
    tables = len(manifeste["empreinte"]["lignes"])
    montants = len(manifeste["empreinte"]["montants"])
    assert f"Restauration vérifiée : {tables} tables, {montants} montants identiques." in sortie

    # The restored database holds the same rows and amounts as the live one.
    assert empreintes_comparer(attendue=empreinte("default"), obtenue=empreinte(base_neuve)) == []
    restaure = models.Financement.objects.using(base_neuve).get(montant_accorde=Decimal("2000"))
    assert restaure.montant_demande == Decimal("2500.50")
    assert models.PieceJointe.objects.using(base_neuve).get().document.nom_original == "statuts.pdf"
    assert (media / document.fichier.name).read_bytes() == contenu

    # One amount changed afterwards: the verification fails and names the field.
    models.Financement.objects.using(base_neuve).filter(pk=restaure.pk).update(
        montant_demande=Decimal("2501.50")
    )
    with pytest.raises(CommandError) as erreur:
        call_command("restaurer", dossier, base=base_neuve, verifier=True)
    assert "ne correspond pas à la sauvegarde" in str(erreur.value)
    assert (
        "Montant programmation.Financement.montant_demande (financement — montant demandé) : "
        "somme attendue 8500.50, trouvée 8501.50." in str(erreur.value)
    )


def test_it_refuses_a_database_that_is_not_empty(programmation, tmp_path):
    call_command("sauvegarder", sortie=tmp_path)
    (dossier,) = tmp_path.iterdir()

    with pytest.raises(CommandError, match=re.escape("n'est pas vide")) as erreur:
        call_command("restaurer", dossier, base="default", media=tmp_path / "media")
    assert "--ecraser" in str(erreur.value)
    # Nothing was touched.
    assert models.Financement.objects.count() == 2
    assert not (tmp_path / "media").exists()


def test_it_refuses_a_folder_without_manifest(db, tmp_path):
    with pytest.raises(CommandError, match="ne contient pas de manifeste"):
        call_command("restaurer", tmp_path, base="default")


def test_it_keeps_only_the_most_recent_backups(db, tmp_path):
    ancienne = tmp_path / "sauvegarde-20250101-020000"
    ancienne.mkdir()
    (ancienne / MANIFESTE).write_text("{}")
    autre = tmp_path / "notes"
    autre.mkdir()

    call_command("sauvegarder", sortie=tmp_path, conserver=1)

    restantes = sorted(p.name for p in tmp_path.iterdir())
    assert len(restantes) == 2
    assert "notes" in restantes
    assert restantes[1].startswith("sauvegarde-") and restantes[1] != ancienne.name


def test_it_refuses_an_unknown_target(db, tmp_path):
    with pytest.raises(CommandError, match="Base inconnue : « archives »"):
        call_command("restaurer", tmp_path, base="archives")
