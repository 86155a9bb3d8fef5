import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from quartiers.enums import TerritoireKind
from quartiers.imports import indicateurs_import
from quartiers.models import ValeurIndicateur
from tests.programmation.factories import QuartierFactory
from tests.quartiers.factories import IndicateurFactory, TerritoireFactory

pytestmark = pytest.mark.django_db

URL = reverse("quartiers:import_indicateurs")
MODELE = reverse("quartiers:import_indicateurs_modele")
HEADER = "Type de territoire;Code du territoire;Indicateur;Millésime;Valeur;Secret;Source"


@pytest.fixture
def references(contrat):
    QuartierFactory(contrat=contrat, nom="La Conte", code="QP011002")
    QuartierFactory(contrat=contrat, nom="Fleming", code="QP011005")
    TerritoireFactory(code="11069", nom="Carcassonne")
    TerritoireFactory(kind=TerritoireKind.EPCI, code="200035715", nom="Agglo")
    IndicateurFactory()


def _csv(*lines, header=HEADER):
    content = "\n".join([header, *lines]).encode()
    return SimpleUploadedFile("valeurs.csv", content, content_type="text/csv")


GOOD = [
    ";QP011002;taux_pauvrete;2019;61;;FiLoSoFi 2019",
    "commune;11069;taux_pauvrete;2019;27,5;;",
    "EPCI;200035715;taux_pauvrete;2019;21;non;",
    "quartier;QP011005;taux_pauvrete;2019;s;;",
]


def _values():
    return {
        (v.territoire.code, v.millesime): (v.valeur, v.secret)
        for v in ValeurIndicateur.objects.select_related("territoire")
    }


def test_it_imports_a_csv_file_with_french_decimals_and_secrets(references, agent_agglo):
    resultat = indicateurs_import(fichier=_csv(*GOOD), user=agent_agglo)

    assert resultat.erreurs == []
    assert (resultat.crees, resultat.modifies, resultat.inchanges) == (4, 0, 0)
    assert _values() == {
        ("QP011002", 2019): (Decimal("61"), False),
        ("11069", 2019): (Decimal("27.5"), False),
        ("200035715", 2019): (Decimal("21"), False),
        ("QP011005", 2019): (None, True),
    }


def test_the_same_file_twice_changes_nothing_and_a_change_updates_in_place(references, agent_agglo):
    indicateurs_import(fichier=_csv(*GOOD), user=agent_agglo)

    again = indicateurs_import(fichier=_csv(*GOOD), user=agent_agglo)
    assert (again.crees, again.modifies, again.inchanges) == (0, 0, 4)
    fichier = _csv(*GOOD[:3], "quartier;QP011005;taux_pauvrete;2019;59;;")
    changed = indicateurs_import(fichier=fichier, user=agent_agglo)
    assert (changed.crees, changed.modifies, changed.inchanges) == (0, 1, 3)
    assert ValeurIndicateur.objects.count() == 4
    assert _values()[("QP011005", 2019)] == (Decimal("59"), False)


def test_it_imports_a_workbook_with_commas_in_csv_too(references):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(["commune", "11069", "taux_pauvrete", 2019, 27.5, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    fichier = SimpleUploadedFile("valeurs.xlsx", buffer.getvalue())

    assert indicateurs_import(fichier=fichier).crees == 1
    comma = _csv('commune,11069,taux_pauvrete,2018,"26,5",,', header=HEADER.replace(";", ","))
    assert indicateurs_import(fichier=comma).crees == 1
    assert _values()[("11069", 2018)] == (Decimal("26.5"), False)


def test_every_row_error_is_reported_and_nothing_is_written(references, agent_agglo):
    lines = [
        GOOD[0],
        ";QP099999;taux_pauvrete;2019;61;;",  # 3: unknown quartier
        "commune;99999;taux_pauvrete;2019;27;;",  # 4: unknown commune
        "region;76;taux_pauvrete;2019;27;;",  # 5: unknown kind
        "commune;11069;chomage;2019;27;;",  # 6: unknown indicator
        "commune;11069;taux_pauvrete;19;27;;",  # 7: bad year
        "commune;11069;taux_pauvrete;2019;vingt;;",  # 8: bad number
        "commune;11069;taux_pauvrete;2018;27;oui;",  # 9: value with secret
        "commune;11069;taux_pauvrete;2017;;;",  # 10: missing value
        "commune;11069;taux_pauvrete;2016;27;peut-être;",  # 11: bad secret flag
        ";QP011002;taux_pauvrete;2019;60;;",  # 12: duplicate of line 2
    ]

    resultat = indicateurs_import(fichier=_csv(*lines), user=agent_agglo)

    found = [(e.ligne, e.colonne) for e in resultat.erreurs]
    assert found == [
        (3, "Code du territoire"),
        (4, "Code du territoire"),
        (5, "Type de territoire"),
        (6, "Indicateur"),
        (7, "Millésime"),
        (8, "Valeur"),
        (9, "Valeur"),
        (10, "Valeur"),
        (11, "Secret"),
        (12, "Millésime"),
    ]
    messages = [e.message for e in resultat.erreurs]
    assert messages[0] == "Aucun quartier de vos contrats n'a le code « QP099999 »."
    assert "Indicateur inconnu : « chomage »" in messages[3]
    assert "Même territoire, indicateur et millésime qu'à la ligne 2." == messages[9]
    assert not ValeurIndicateur.objects.exists()


def test_a_quartier_of_another_contract_is_unknown_to_the_importer(references, agent_autre_contrat):
    resultat = indicateurs_import(fichier=_csv(GOOD[0]), user=agent_autre_contrat)

    assert [e.ligne for e in resultat.erreurs] == [2]
    assert not ValeurIndicateur.objects.exists()


def test_a_file_without_the_columns_or_unreadable_is_refused(references):
    resultat = indicateurs_import(fichier=_csv("11069;27", header="Territoire;Valeur"))
    assert {e.colonne for e in resultat.erreurs} >= {"Code du territoire", "Indicateur"}
    bad = SimpleUploadedFile("valeurs.xlsx", b"not a workbook")
    assert "ni un classeur Excel" in indicateurs_import(fichier=bad).erreurs[0].message


def test_the_template_opens_with_its_instructions(client, references, agent_agglo):
    client.force_login(agent_agglo)

    response = client.get(MODELE)

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Valeurs", "Mode d'emploi", "Indicateurs", "Territoires"]
    assert [c.value for c in workbook["Valeurs"][1]] == HEADER.split(";")
    codes = {row[1] for row in workbook["Territoires"].iter_rows(min_row=2, values_only=True)}
    assert {"QP011002", "QP011005", "11069", "200035715", "FR", "QPV"} <= codes


def test_the_page_imports_for_the_pdv_team(client, references, agent_agglo):
    client.force_login(agent_agglo)

    assert client.get(URL).status_code == 200
    response = client.post(URL, {"fichier": _csv(*GOOD)})
    assert "Import réussi : 4 lignes lues" in response.content.decode()
    response = client.post(URL, {"fichier": _csv("commune;11069;taux_pauvrete;2019;vingt;;")})
    assert "Rien n'a été importé" in response.content.decode()


def test_the_page_is_refused_to_others(client, references, partenaire_etat, lecteur, porteur):
    for user in (partenaire_etat, lecteur, porteur):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get(MODELE).status_code == 403
    client.logout()
    assert "/connexion/" in client.get(URL)["Location"]


def test_the_command_imports_or_lists_errors(references, tmp_path):
    path = tmp_path / "valeurs.csv"
    path.write_text("\n".join([HEADER, *GOOD]), encoding="utf-8")
    out = StringIO()
    call_command("import_indicateurs", str(path), stdout=out)
    assert "4 valeur(s) créée(s)" in out.getvalue()

    path.write_text("\n".join([HEADER, "commune;11069;taux_pauvrete;2019;x;;"]), encoding="utf-8")
    with pytest.raises(CommandError, match="1 erreur"):
        call_command("import_indicateurs", str(path), stdout=StringIO(), stderr=StringIO())
