from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from cdv import excel


def test_it_writes_a_formatted_table_with_formula_totals():
    workbook = excel.new_workbook()
    excel.add_table(
        workbook,
        "Programmation",
        ["Action", "Montant"],
        [["Soutien scolaire", Decimal("1500.50")], ["Médiation", Decimal("2000")]],
        formats={1: excel.EURO},
        totals=[1],
    )
    response = excel.workbook_response(workbook, "programmation.xlsx")

    assert response["Content-Type"] == excel.XLSX
    assert 'filename="programmation.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content))["Programmation"]
    assert [c.value for c in sheet[1]] == ["Action", "Montant"]
    assert sheet["B2"].value == 1500.5 and sheet["B2"].number_format == excel.EURO
    assert sheet["A4"].value == "Total"
    assert sheet["B4"].value == "=SUM(B2:B3)"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"


def test_an_empty_table_totals_zero():
    workbook = excel.new_workbook()
    sheet = excel.add_table(workbook, "Vide", ["Action", "Montant"], [], totals=[1])
    assert sheet["B2"].value == 0
