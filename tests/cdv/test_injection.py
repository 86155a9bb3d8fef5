"""Formula injection: text typed by users, exported to a workbook or a CSV file, is shown as
typed and never computed by Excel or LibreOffice; the platform's own totals stay formulas.

The data: in the 2026 call of the contract, one deposited action titled HYPERLIEN by the
porteur « +33 6 12 34 56 78 » (a phone-like name), asking 1 500 € of the funder
« =1+1 Financeur », and one action « -Médiation » by « Association Beta » asking it 500 €.
The requested amounts total 1 500 + 500 = 2 000 €.
"""

import csv
import datetime
import io
import os
import shutil
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cdv.excel import add_table, new_workbook, texte_sur
from programmation.enums import EtatAction
from tests import factories
from tests.gup.factories import SignalementFactory
from tests.libreoffice import lignes_csv
from tests.programmation.factories import (
    ActionFactory,
    AppelFactory,
    FinancementFactory,
    QuartierFactory,
)

pytestmark = pytest.mark.django_db

HYPERLIEN = '=HYPERLINK("http://x";"clic")'
TELEPHONE = "+33 6 12 34 56 78"
FINANCEUR = "=1+1 Financeur"
MEDIATION = "-Médiation"
DEPOT = datetime.datetime(2026, 1, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def pieges(contrat):
    financeur = factories.OrganisationFactory(etat=True, nom=FINANCEUR)
    appel = AppelFactory(contrat=contrat, annee=2026)
    for intitule, porteur, montant in [
        (HYPERLIEN, TELEPHONE, "1500"),
        (MEDIATION, "Association Beta", "500"),
    ]:
        action = ActionFactory(
            appel=appel,
            intitule=intitule,
            porteur=factories.OrganisationFactory(nom=porteur),
            etat=EtatAction.DEPOSEE,
            deposee_le=DEPOT,
        )
        FinancementFactory(action=action, financeur=financeur, montant_demande=D(montant))
    return financeur


def classeur(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def cellules(sheet, *valeurs):
    """The cells of `sheet` holding exactly one of `valeurs`, by value."""
    return {c.value: c for row in sheet.iter_rows() for c in row if c.value in valeurs}


def assert_texte(cell):
    """A text cell, quoted as Excel does when one types '=…: never a formula."""
    assert cell.data_type == "s", cell.coordinate
    assert cell.quotePrefix, cell.coordinate


def test_the_programming_table_workbook_shows_user_text_and_keeps_its_totals(
    client, pieges, agent_agglo
):
    client.force_login(agent_agglo)

    sheet = classeur(client.get(reverse("programmation:action_export_xlsx")))["Programmation"]

    trouvees = cellules(sheet, HYPERLIEN, TELEPHONE, MEDIATION)
    assert set(trouvees) == {HYPERLIEN, TELEPHONE, MEDIATION}
    for cell in trouvees.values():
        assert_texte(cell)
    entetes = [c.value for c in sheet[1]]
    assert f"{FINANCEUR} — demandé" in entetes
    assert_texte(sheet.cell(row=1, column=entetes.index(f"{FINANCEUR} — demandé") + 1))
    # The totals row (after the two actions) still sums the asked amounts: 1 500 + 500.
    colonne = sheet.cell(row=1, column=entetes.index(f"{FINANCEUR} — demandé") + 1).column_letter
    total = sheet[f"{colonne}4"]
    assert sheet["A4"].value == "Total"
    assert (total.value, total.data_type) == (f"=SUM({colonne}2:{colonne}3)", "f")
    assert sorted(sheet[f"{colonne}{n}"].value for n in (2, 3)) == [500, 1500]


def test_the_programming_table_csv_quotes_user_text(client, pieges, agent_agglo):
    client.force_login(agent_agglo)

    response = client.get(reverse("programmation:action_export_csv"))

    lignes = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=";"))
    assert f"'{FINANCEUR} — demandé" in lignes[0]
    textes = {cellule for ligne in lignes[1:] for cellule in ligne}
    assert {f"'{HYPERLIEN}", f"'{TELEPHONE}", f"'{MEDIATION}", "Association Beta"} <= textes
    assert HYPERLIEN not in textes and TELEPHONE not in textes
    # Amounts are the app's numbers, never quoted: 1 500 and 500 asked, 2 000 in total.
    demande = lignes[0].index(f"'{FINANCEUR} — demandé")
    assert sorted(ligne[demande] for ligne in lignes[1:3]) == ["1500,00", "500,00"]
    assert lignes[3][0] == "Total" and lignes[3][demande] == "2000,00"


def test_the_import_layout_export_keeps_user_text_as_text(client, pieges, agent_agglo):
    client.force_login(agent_agglo)

    workbook = classeur(client.get(reverse("programmation:import_export")))

    sheet = workbook["Programmation"]
    trouvees = cellules(sheet, HYPERLIEN, TELEPHONE, MEDIATION, FINANCEUR)
    assert set(trouvees) == {HYPERLIEN, TELEPHONE, MEDIATION, FINANCEUR}
    for cell in trouvees.values():
        assert_texte(cell)
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_the_gup_document_de_suivi_keeps_descriptions_as_typed(client, contrat, coordinateur_gup):
    conte = QuartierFactory(contrat=contrat, nom="La Conte")
    SignalementFactory(quartier=conte, description="@SUM(1+1)", adresse="#DIV/0!")
    client.force_login(coordinateur_gup)

    workbook = classeur(client.get(reverse("gup:suivi_quartier_excel", args=[conte.pk])))

    sheet = workbook["Suivi"]
    entetes = [c.value for c in sheet[1]]
    description = sheet.cell(row=2, column=entetes.index("Description") + 1)
    assert description.value == "@SUM(1+1)"
    assert_texte(description)
    # Not an error value either: the address reads as typed.
    lieu = sheet.cell(row=2, column=entetes.index("Lieu") + 1)
    assert (lieu.value, lieu.data_type) == ("#DIV/0!", "s")


def test_the_portraits_workbook_keeps_a_quartier_name_as_text(client, contrat, agent_agglo):
    QuartierFactory(contrat=contrat, nom="=1+1", code="QP011002")
    client.force_login(agent_agglo)

    workbook = classeur(client.get(reverse("quartiers:portraits_excel")))

    (sheet,) = workbook.worksheets
    assert sheet["E1"].value == "=1+1"
    assert_texte(sheet["E1"])


def test_the_helpers_quote_only_what_a_spreadsheet_would_compute():
    assert [texte_sur(v) for v in ["=A1", "+33", "-2", "@x", "\tx", "\rx"]] == [
        "'=A1", "'+33", "'-2", "'@x", "'\tx", "'\rx",
    ]  # fmt: skip
    assert [texte_sur(v) for v in ["La Conte", "", "—", -2, None]] == [
        "La Conte", "", "—", -2, None,
    ]  # fmt: skip
    workbook = new_workbook()
    add_table(workbook, "Feuille", ["Nom", "Montant"], [["=1+2", 3], ["Ozanam", -4]], totals=(1,))
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = load_workbook(buffer).active
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=1+2", "s")
    assert (sheet["A3"].value, sheet["A3"].quotePrefix) == ("Ozanam", False)
    assert (sheet["B3"].value, sheet["B3"].data_type) == (-4, "n")
    assert (sheet["B4"].value, sheet["B4"].data_type) == ("=SUM(B2:B3)", "f")


# .ci/run installs LibreOffice: in CI (CI=1) this test always runs.
@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (make test outside CI)",
)
def test_libreoffice_shows_the_user_text_and_computes_the_totals(
    client, pieges, agent_agglo, tmp_path
):
    client.force_login(agent_agglo)
    response = client.get(reverse("programmation:action_export_xlsx"))
    source = tmp_path / "source" / "programmation.xlsx"
    source.parent.mkdir()
    source.write_bytes(response.content)
    lignes = lignes_csv(source, tmp_path)
    demande = lignes[0].index(f"{FINANCEUR} — demandé")
    assert {(ligne[1], ligne[2]) for ligne in lignes[1:3]} == {
        ("Association Beta", MEDIATION),
        (TELEPHONE, HYPERLIEN),
    }
    assert lignes[3][0] == "Total" and D(lignes[3][demande]) == D("2000")
