import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from cdv.formats import jour, montant


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.56"), "1\u202f234,56\u00a0€"),
        (Decimal("1234567.8"), "1\u202f234\u202f567,80\u00a0€"),
        (Decimal("0"), "0,00\u00a0€"),
        (Decimal("999.995"), "1\u202f000,00\u00a0€"),
        (Decimal("-15000"), "-15\u202f000,00\u00a0€"),
        (Decimal("9999999999.99"), "9\u202f999\u202f999\u202f999,99\u00a0€"),
        (42, "42,00\u00a0€"),
        ("2500.5", "2\u202f500,50\u00a0€"),
        (0.1, "0,10\u00a0€"),
        (None, ""),
        ("", ""),
        ("pas un nombre", ""),
    ],
)
def test_it_formats_amounts_the_french_way(value, expected):
    assert montant(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2024, 3, 5), "05/03/2024"),
        # 23:30 UTC on 31 December is already 1 January in Paris.
        (datetime.datetime(2024, 12, 31, 23, 30, tzinfo=datetime.UTC), "01/01/2025"),
        (datetime.datetime(2024, 7, 14, 10, 0), "14/07/2024"),
        (None, ""),
        ("", ""),
        ("2024-03-05", ""),
    ],
)
def test_it_formats_dates_as_day_month_year(value, expected):
    assert jour(value) == expected


def test_it_offers_the_filters_to_templates():
    html = Template("{% load cdv_tags %}{{ m|montant }} le {{ d|jour }}").render(
        Context({"m": Decimal("1500"), "d": datetime.date(2030, 1, 2)})
    )
    assert html == "1\u202f500,00\u00a0€ le 02/01/2030"
