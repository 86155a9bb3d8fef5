"""The evaluation workbook (issue 8 §3): one sheet per chapter of the evaluation report, the
figures of each module's selector, a chart on every sheet with figures.

The hand-built dataset is the bilan physico-financier's (tests/programmation/test_bilan.py,
added up by hand in its docstring): 2024–2025, 4 actions, 29 500,50 € of specific credits.
"""

import datetime
import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cdv.evaluation import CHAPITRES, NON_ACCESSIBLE, classeur_evaluation
from cdv.models import Contrat, User
from cdv.models_exports import Export
from cdv.selectors import SESSION_KEY
from citeslab import selectors as citeslab_selectors
from programmation import selectors
from tests.programmation.test_bilan import build_dataset

D = Decimal
TODAY = datetime.date(2026, 11, 25)


def _relire(workbook):
    """The workbook as a user opens it: saved, then read back."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def tableau(sheet, legende):
    """The rows of the table captioned `legende` (header excluded, up to the blank row or
    the totals row)."""
    rows = list(sheet.iter_rows(values_only=True))
    debut = next(i for i, row in enumerate(rows) if row[0] == legende)
    lignes = []
    for row in rows[debut + 2 :]:
        if row[0] is None or row[0] == "Total":
            break
        lignes.append(row)
    return lignes


def chiffres_cles(sheet):
    return {row[0]: row[1] for row in tableau(sheet, "Chiffres clés")}


@pytest.fixture
def dataset(contrat, autre_contrat):
    return build_dataset(contrat, autre_contrat)


def test_it_writes_the_bilan_selectors_numbers(dataset, contrat, agent_agglo):
    workbook = _relire(
        classeur_evaluation(
            user=agent_agglo, contrat=contrat, annee_debut=2024, annee_fin=2025, today=TODAY
        )
    )
    sheet = workbook[CHAPITRES["bilan"]]
    bilan = selectors.bilan_physico_financier(
        contrat=contrat, annee_min=2024, annee_max=2025, user=agent_agglo
    )

    annees = tableau(sheet, "Par année")
    assert [(r[0], r[1], D(str(r[2])), D(str(r[4]))) for r in annees] == [
        (a.annee, a.nb_actions, a.credits_specifiques, a.total_accorde) for a in bilan.annees
    ]
    # By hand: 2024 2 actions 15 000 € (19 000 € in all), 2025 2 actions 14 500,50 €.
    assert [(r[0], r[1], D(str(r[2]))) for r in annees] == [
        (2024, 2, D("15000")),
        (2025, 2, D("14500.50")),
    ]
    assert {r[0]: (r[1], D(str(r[2]))) for r in tableau(sheet, "Par pilier")} == {
        "Cohésion sociale": (3, D("24500.50")),
        "Emploi": (1, D("5000")),
    }
    quartiers = tableau(
        sheet, "Par quartier (crédits spécifiques au prorata de la part de chaque quartier)"
    )
    assert {r[0]: D(str(r[3])) for r in quartiers} == {"La Conte": D("25000"), "Ozanam": D("2000")}
    assert {r[0]: (D(str(r[2])), D(str(r[3]))) for r in tableau(sheet, "Par financeur")} == {
        "Préfecture de l'Aude": (D("29500.50"), D("0")),
        "Département de l'Aude": (D("0"), D("7000")),
    }
    assert [r[:4] for r in tableau(sheet, "Reconductions et actions nouvelles")] == [
        (2024, 0, 0, 2),
        (2025, 1, 12000, 1),
    ]

    # The synthesis repeats the totals: 29 500,50 €, 4 actions, one porteur, 2 quartiers.
    cles = chiffres_cles(workbook[CHAPITRES["synthese"]])
    assert D(str(cles["Crédits spécifiques accordés"])) == D("29500.50")
    assert cles["Actions financées"] == 4
    assert cles["Porteurs de projet"] == 1
    assert cles["Quartiers bénéficiaires"] == 2


def test_every_chapter_opens_with_its_titles_and_every_sheet_with_figures_has_a_chart(
    dataset, contrat, agent_agglo
):
    workbook = classeur_evaluation(
        user=agent_agglo, contrat=contrat, annee_debut=2024, annee_fin=2025, today=TODAY
    )
    assert workbook.sheetnames == list(CHAPITRES.values())
    for nom in CHAPITRES.values():
        sheet = workbook[nom]
        assert [sheet.cell(row=n, column=1).value for n in range(1, 5)] == [
            nom,
            f"{contrat.nom} — période 2024–2025",
            "Produit le 25/11/2026",
            "Chiffres produits par la plateforme cdv",
        ]
    for nom in ["synthese", "bilan", "gup", "pre", "citeslab", "gouvernance"]:
        assert workbook[CHAPITRES[nom]]._charts, nom


def test_a_user_without_the_right_to_a_chapter_reads_that_it_is_not_available(
    dataset, contrat, porteur
):
    workbook = classeur_evaluation(
        user=porteur, contrat=contrat, annee_debut=2024, annee_fin=2025, today=TODAY
    )
    for code in ["bilan", "quartiers", "gup", "pre", "citeslab", "gouvernance"]:
        sheet = workbook[CHAPITRES[code]]
        assert sheet.cell(row=6, column=1).value == NON_ACCESSIBLE, code
        assert sheet.max_row == 6 and not sheet._charts, code
    cles = chiffres_cles(workbook[CHAPITRES["synthese"]])
    assert set(cles.values()) == {"non disponible"}


def test_a_partner_reads_the_pre_and_citeslab_masked(dataset, contrat, lecteur):
    workbook = classeur_evaluation(
        user=lecteur, contrat=contrat, annee_debut=2024, annee_fin=2025, today=TODAY
    )
    assert "Petits effectifs masqués" in workbook[CHAPITRES["citeslab"]]["A6"].value
    assert "masqué" in workbook[CHAPITRES["pre"]]["A6"].value
    cles = chiffres_cles(workbook[CHAPITRES["synthese"]])
    assert cles["File active du PRE en 2025"] == 0
    assert cles["Personnes accompagnées par CitésLab"] == 0


def test_it_reports_its_progress_up_to_100(dataset, contrat, agent_agglo):
    etapes = []
    classeur_evaluation(
        user=agent_agglo,
        contrat=contrat,
        annee_debut=2024,
        annee_fin=2025,
        progression=lambda pct, message: etapes.append((pct, message)),
    )
    pourcentages = [pct for pct, _ in etapes]
    assert pourcentages[0] == 0 and pourcentages[-1] == 100
    assert pourcentages == sorted(pourcentages) and len(etapes) == 8
    assert etapes[-1][1] == "Classeur prêt."


# The demo: Carcassonne's 2015 contract, 2016–2022 ---------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (it takes a while), removed afterwards."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            with override_settings(DEBUG=True):
                call_command("load_demo", stdout=StringIO())
            yield
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def classeur_demo(demo, django_db_blocker):
    """The demo PDV agent's 2016–2022 workbook, and the number of queries it took."""
    with django_db_blocker.unblock():
        agent = User.objects.get(email="admin-pdv@demo.cdv.local")
        contrat = Contrat.objects.get(epci__siret__startswith="200035715", annee_debut=2015)
        connection.queries_log.clear()  # the demo's load filled the log (9 000 at most)
        with CaptureQueriesContext(connection) as queries:
            workbook = classeur_evaluation(
                user=agent, contrat=contrat, annee_debut=2016, annee_fin=2022
            )
        return agent, contrat, _relire(workbook), len(queries)


@pytest.mark.django_db
def test_the_demo_workbook_has_every_chapter_with_the_reports_figures(classeur_demo):
    agent, contrat, workbook, _ = classeur_demo
    assert workbook.sheetnames == list(CHAPITRES.values())
    for nom in CHAPITRES.values():
        assert workbook[nom]["A6"].value != NON_ACCESSIBLE, nom

    # Programmation (carcassonne-figures.md): 58 · 74 · 74 · 85 · 78 · 83 · 93 actions and
    # 760 · 1 000 · 844 · 969 · 1 096 · 1 122 · 1 108 k€, 545 actions and 6 899 000 € in all.
    annees = tableau(workbook[CHAPITRES["bilan"]], "Par année")
    assert [(r[0], r[1], D(str(r[2]))) for r in annees] == [
        (2016, 58, D("760000")),
        (2017, 74, D("1000000")),
        (2018, 74, D("844000")),
        (2019, 85, D("969000")),
        (2020, 78, D("1096000")),
        (2021, 83, D("1122000")),
        (2022, 93, D("1108000")),
    ]
    cles = chiffres_cles(workbook[CHAPITRES["synthese"]])
    assert D(str(cles["Crédits spécifiques accordés"])) == D("6899000")
    assert cles["Actions financées"] == 545
    assert cles["Quartiers bénéficiaires"] == 5
    # Cohésion sociale: 64 % of the credits.
    piliers = {r[0]: r[3] for r in tableau(workbook[CHAPITRES["bilan"]], "Par pilier")}
    assert piliers["Cohésion sociale"] == pytest.approx(0.64)

    # TFPB: the three landlords' abatement over 2016–2021 is 4 291 000 €.
    tfpb = tableau(workbook[CHAPITRES["gup"]], "Abattement de TFPB : montants par année")
    assert [r[0] for r in tfpb] == [2016, 2017, 2018, 2019, 2020, 2021]
    assert sum(D(str(r[1])) for r in tfpb) == D("4291000")

    # PRE: the active file goes from 17 (2016) to 33 (2021), 29 in 2022.
    pre = {
        r[0]: r[1]
        for r in tableau(workbook[CHAPITRES["pre"]], "File active, entrées et sorties par année")
    }
    assert (pre[2016], pre[2021], pre[2022]) == (17, 33, 29)
    assert cles["File active du PRE en 2022"] == 29

    # CitésLab: the selector's figure for the period (masked for the PDV agent).
    rapport = citeslab_selectors.rapport(
        user=agent,
        contrat=contrat,
        debut=datetime.date(2016, 1, 1),
        fin=datetime.date(2022, 12, 31),
    )
    assert cles["Personnes accompagnées par CitésLab"] == rapport.etape("accompagnes") > 74

    for nom in CHAPITRES.values():
        assert workbook[nom]._charts, nom


@pytest.mark.django_db
def test_the_demo_workbook_takes_a_bounded_number_of_queries(classeur_demo):
    *_, nb_queries = classeur_demo
    # Per chapter, the selectors' own constant counts: bilan 5 + porteurs 1; gaps ≤ 6; GUP
    # statistics 7, TFPB bilan 4 for the years, then 4 per year with data (6 years here);
    # PRE ~10 (permission, threshold, 7 breakdowns); CitésLab ~8 (permissions, 5);
    # governance ~6; permission checks on the way: 68 on the demo. Rows never add queries;
    # years with TFPB data do (4 each).
    assert nb_queries <= 75


@pytest.mark.django_db
def test_staff_download_the_2016_2022_workbook_from_its_page(
    demo, client, django_capture_on_commit_callbacks, settings, tmp_path
):
    """The issue's "Done when": the demo's PDV agent asks for the 2016–2022 workbook on its
    page, the task builds it, the download holds every chapter."""
    settings.MEDIA_ROOT = tmp_path
    agent = User.objects.get(email="admin-pdv@demo.cdv.local")
    contrat = Contrat.objects.get(epci__siret__startswith="200035715", annee_debut=2015)
    client.force_login(agent)
    session = client.session
    session[SESSION_KEY] = contrat.pk
    session.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/evaluation/", {"annee_debut": "2016", "annee_fin": "2022"})
    export = Export.objects.get(user=agent)
    assert response["Location"] == f"/exports/{export.pk}/"
    assert (export.etat, export.progression) == ("pret", 100)
    download = client.get(f"/exports/{export.pk}/telecharger/")
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames == list(CHAPITRES.values())
    for nom in CHAPITRES.values():
        assert workbook[nom]["A6"].value != NON_ACCESSIBLE, nom
