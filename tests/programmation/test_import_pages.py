"""The import's page, template download, export, permission and command, on the file of
test_import.py (its docstring computes the data by hand)."""

import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from programmation.enums import EtatAction
from programmation.models import Action, Convention
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.programmation.test_import import (
    EXPORT_URL,
    HEADER,
    MODELE_URL,
    URL,
    fichier_rows,
    import_file,
    references,
    xlsx,
)


@pytest.fixture
def ref(contrat):
    return references(contrat)


# ---------------------------------------------------------------------------------------
# The template
# ---------------------------------------------------------------------------------------


def test_the_template_downloads_and_explains_every_column(client, ref, contrat, agent_agglo):
    client.force_login(agent_agglo)

    response = client.get(MODELE_URL)

    assert response.status_code == 200
    assert "modele-import-programmation-CN01102I.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["Programmation", "Mode d'emploi"]
    sheet = workbook["Programmation"]
    assert [cell.value for cell in sheet[1]] == HEADER
    mode = workbook["Mode d'emploi"]
    colonnes = [row[0] for row in mode.iter_rows(min_row=2, max_row=15, values_only=True)]
    assert colonnes == HEADER
    texte = " ".join(str(v) for row in mode.iter_rows(values_only=True) for v in row if v)
    assert "Cohésion sociale" in texte and "QN011002" in texte
    listes = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert listes["H2:H5000"] == "'Listes'!$A$2:$A$15"  # État: the 14 states
    assert [c.value for c in workbook["Listes"]["A"][1:15]] == [
        label for _, label in EtatAction.choices
    ]


# ---------------------------------------------------------------------------------------
# The page, its permission and the command
# ---------------------------------------------------------------------------------------


def test_the_pdv_team_imports_from_the_page(client, ref, contrat, agent_agglo):
    client.force_login(agent_agglo)
    assert client.get(URL).status_code == 200

    response = client.post(URL, {"contrat": contrat.pk, "fichier": xlsx(fichier_rows(ref))})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Import réussi : 5 lignes lues" in html
    assert "Nouvelle association (SIRET " in html
    assert Action.objects.filter(appel__contrat=contrat).count() == 4


def test_the_page_lists_every_error_and_writes_nothing(client, ref, contrat, agent_agglo):
    client.force_login(agent_agglo)
    rows = fichier_rows(ref)
    rows[0][4] = "Logement"
    rows[2][13] = 15000

    response = client.post(URL, {"contrat": contrat.pk, "fichier": xlsx(rows)})

    html = response.content.decode()
    assert "Rien n'a été importé : le fichier contient 2 erreurs" in html
    assert '<td class="number">2</td>' in html and "<td>Pilier</td>" in html
    assert '<td class="number">4</td>' in html and "<td>Montant versé</td>" in html
    assert "Pilier « Logement » inconnu dans ce contrat" in html
    assert not Action.objects.exists()


def test_the_page_refuses_a_file_of_another_kind(client, ref, contrat, agent_agglo):
    client.force_login(agent_agglo)
    fichier = SimpleUploadedFile("historique.pdf", b"%PDF-1.4")

    response = client.post(URL, {"contrat": contrat.pk, "fichier": fichier})

    assert "Choisissez un fichier .xlsx ou .csv." in response.content.decode()


def test_the_export_gives_the_contracts_programmation(client, ref, contrat, agent_agglo):
    import_file(contrat, agent_agglo, fichier_rows(ref))
    client.force_login(agent_agglo)

    response = client.get(EXPORT_URL, {"contrat": contrat.pk})

    sheet = load_workbook(io.BytesIO(response.content))["Programmation"]
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]
    assert len(rows) == 5
    assert rows[0][:4] == (
        2024,
        ref["porteur"].siret,
        "Association Quartiers Solidaires",
        "Soutien scolaire",
    )


@pytest.mark.parametrize("persona", ["partenaire_etat", "lecteur", "porteur", "outsider"])
def test_only_the_pdv_team_may_import(client, request, ref, contrat, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in (URL, MODELE_URL, EXPORT_URL):
        assert client.get(url).status_code == 403, url
    response = client.post(URL, {"contrat": contrat.pk, "fichier": xlsx(fichier_rows(ref))})
    assert response.status_code == 403
    assert not Action.objects.exists()


def test_another_contracts_team_gets_a_404(client, ref, contrat, agent_autre_contrat):
    client.force_login(agent_autre_contrat)
    for url in (URL, MODELE_URL, EXPORT_URL):
        assert client.get(url, {"contrat": contrat.pk}).status_code == 404, url
    response = client.post(URL, {"contrat": contrat.pk, "fichier": xlsx(fichier_rows(ref))})
    assert response.status_code == 404
    assert not Action.objects.exists()


def test_the_superuser_may_import(client, ref, contrat, superuser):
    client.force_login(superuser)
    response = client.post(URL, {"contrat": contrat.pk, "fichier": xlsx(fichier_rows(ref))})
    assert "Import réussi" in response.content.decode()


def test_the_command_imports_a_file(tmp_path, ref, contrat, agent_agglo):
    path = tmp_path / "historique.xlsx"
    path.write_bytes(xlsx(fichier_rows(ref)).read())
    out = StringIO()

    call_command(
        "import_programmation", contrat.pk, str(path), utilisateur=agent_agglo.email, stdout=out
    )

    assert "actions : 4 / 0 / 0 / 0" in out.getvalue()
    assert Convention.objects.filter(auteur=agent_agglo).count() == 3


def test_the_command_reports_errors_and_writes_nothing(tmp_path, ref, contrat, agent_agglo):
    rows = fichier_rows(ref)
    rows[0][0] = 2019
    path = tmp_path / "historique.xlsx"
    path.write_bytes(xlsx(rows).read())
    err = StringIO()

    with pytest.raises(CommandError, match="1 erreur"):
        call_command(
            "import_programmation",
            contrat.pk,
            str(path),
            utilisateur=agent_agglo.email,
            stderr=err,
        )

    assert "Ligne 2 — Année : L'année 2019 n'appartient pas" in err.getvalue()
    assert not Action.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_and_its_reports_are_accessible(page, ref, contrat, agent_agglo, tmp_path):  # noqa: F811
    log_in(page, agent_agglo)
    page.goto(URL)
    assert_no_axe_violations(page)
    rows = fichier_rows(ref)
    rows[0][4] = "Logement"
    fautif = tmp_path / "fautif.xlsx"
    fautif.write_bytes(xlsx(rows).read())

    page.get_by_label("Fichier à importer").set_input_files(str(fautif))
    page.get_by_role("button", name="Importer le fichier").click()

    expect(page.get_by_role("alert").get_by_text("Rien n'a été importé")).to_be_visible()
    assert_no_axe_violations(page)
    valide = tmp_path / "valide.xlsx"
    valide.write_bytes(xlsx(fichier_rows(ref)).read())
    page.get_by_label("Fichier à importer").set_input_files(str(valide))
    page.get_by_role("button", name="Importer le fichier").click()
    expect(page.get_by_role("status").get_by_text("Import réussi")).to_be_visible()
    assert_no_axe_violations(page)
