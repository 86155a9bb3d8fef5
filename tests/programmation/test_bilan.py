"""The bilan physico-financier on a dataset added up by hand: the selector, the page and the
Excel workbook all give the same numbers (the API in test_api.py).

The dataset (contract 2024–2030; funders: the État gives specific credits, the Département
droit commun):

  2024  A1 Soutien scolaire     pilier Cohésion, new       La Conte 100 %
            État 10 000 (spécifique), Département 4 000 (droit commun)
        A2 Chantier d'insertion pilier Emploi, new         La Conte 60 %, Ozanam 40 %
            État 5 000
        refused (État 3 000 "granted"), draft (État 2 000 "granted"): never counted
  2025  A3 Soutien scolaire     pilier Cohésion, renewal of A1   La Conte 100 %
            État 12 000, Département 3 000
        A4 Médiation            pilier Cohésion, new, no quartier
            État 2 500,50 ; Département asked 1 000, granted nothing
  another contract's funded action (État 50 000): never counted

By hand:
  2024  2 actions, spécifiques 15 000,00, total 19 000,00, autres 4 000,00,
        cofinancement 4 000 / 15 000 = 0,2667; renewals 0 / 0; new 2 / 15 000,00
  2025  2 actions, spécifiques 14 500,50, total 17 500,50, autres 3 000,00,
        cofinancement 3 000 / 14 500,50 = 0,2069; renewals 1 / 12 000,00; new 1 / 2 500,50;
        evolution −499,50 €, −499,50 / 15 000 = −0,0333, 0 action
  total 4 actions, spécifiques 29 500,50, total 36 500,50, autres 7 000,00, cofinancement
        7 000 / 29 500,50 = 0,2373; renewals 1 / 12 000,00; new 3 / 17 500,50
  piliers  Cohésion 3 actions, 24 500,50 (0,8305); Emploi 1 action, 5 000,00 (0,1695)
  quartiers La Conte 3 actions, 10 000 + 60 % × 5 000 + 12 000 = 25 000,00 (0,8474);
            Ozanam 1 action, 40 % × 5 000 = 2 000,00 (0,0678); not allocated 2 500,50 (A4)
  financeurs État 4 actions, 29 500,50 spécifiques, total 29 500,50 (29 500,50 / 36 500,50
            = 0,8082); Département 2 actions, 7 000,00 droit commun (0,1918)
"""

import datetime
import io
import os
import re
import shutil
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cdv.enums import RoleCode
from cdv.formats import montant
from programmation import exports, selectors
from programmation.enums import EtatAction, NatureFinancement
from programmation.models import ActionQuartier
from tests import factories
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.libreoffice import convertir
from tests.programmation.factories import (
    ActionFactory,
    AppelFactory,
    FinancementFactory,
    QuartierFactory,
)

D = Decimal
URL = reverse("programmation:bilan")
EXCEL_URL = reverse("programmation:bilan_excel")
PERIODE = {"annee_min": 2024, "annee_max": 2025}


def _finance(action, financeur, accorde, *, nature=NatureFinancement.SPECIFIQUE, demande=None):
    return FinancementFactory(
        action=action,
        financeur=financeur,
        nature=nature,
        montant_demande=D(demande or accorde or "0"),
        montant_accorde=D(accorde) if accorde is not None else None,
    )


def build_dataset(contrat, autre_contrat):
    """The dataset of the module docstring; returns its named records."""
    etat = factories.OrganisationFactory(etat=True, nom="Préfecture de l'Aude")
    departement = factories.OrganisationFactory(nom="Département de l'Aude", rna="")
    cohesion = factories.PilierFactory(contrat=contrat, nom="Cohésion sociale", ordre=1)
    emploi = factories.PilierFactory(contrat=contrat, nom="Emploi", ordre=2)
    la_conte = QuartierFactory(contrat=contrat, nom="La Conte", code="QN011001")
    ozanam = QuartierFactory(contrat=contrat, nom="Ozanam", code="QN011002")
    appel_2024 = AppelFactory(contrat=contrat, annee=2024)
    appel_2025 = AppelFactory(contrat=contrat, annee=2025)
    porteur = factories.OrganisationFactory(nom="Association Quartiers Solidaires")

    def action(appel, intitule, pilier, etat_action, quartiers=(), **kwargs):
        created = ActionFactory(
            appel=appel,
            porteur=porteur,
            intitule=intitule,
            pilier=pilier,
            etat=etat_action,
            **kwargs,
        )
        for quartier, part in quartiers:
            ActionQuartier.objects.create(action=created, quartier=quartier, part=D(part))
        return created

    a1 = action(appel_2024, "Soutien scolaire", cohesion, EtatAction.SOLDEE, [(la_conte, "100")])
    _finance(a1, etat, "10000")
    _finance(a1, departement, "4000", nature=NatureFinancement.DROIT_COMMUN)
    a2 = action(
        appel_2024,
        "Chantier d'insertion",
        emploi,
        EtatAction.CONVENTIONNEE,
        [(la_conte, "60"), (ozanam, "40")],
    )
    _finance(a2, etat, "5000")
    refusee = action(appel_2024, "Action refusée", emploi, EtatAction.REFUSEE, [(ozanam, "100")])
    _finance(refusee, etat, "3000")
    brouillon = action(appel_2024, "Brouillon", cohesion, EtatAction.BROUILLON)
    _finance(brouillon, etat, "2000")
    a3 = action(
        appel_2025,
        "Soutien scolaire",
        cohesion,
        EtatAction.PROGRAMMEE,
        [(la_conte, "100")],
        est_reconduction=True,
        reconduction_de=a1,
    )
    _finance(a3, etat, "12000")
    _finance(a3, departement, "3000", nature=NatureFinancement.DROIT_COMMUN)
    a4 = action(appel_2025, "Médiation", cohesion, EtatAction.BILAN_ATTENDU)
    _finance(a4, etat, "2500.50")
    _finance(a4, departement, None, nature=NatureFinancement.DROIT_COMMUN, demande="1000")

    ailleurs = ActionFactory(
        appel=AppelFactory(contrat=autre_contrat, annee=2025),
        etat=EtatAction.PROGRAMMEE,
        pilier=factories.PilierFactory(contrat=autre_contrat),
    )
    _finance(ailleurs, etat, "50000")
    return {
        "etat": etat,
        "departement": departement,
        "cohesion": cohesion,
        "emploi": emploi,
        "la_conte": la_conte,
        "ozanam": ozanam,
        "appel_2025": appel_2025,
        "porteur": porteur,
    }


@pytest.fixture
def jeu(contrat, autre_contrat):
    return build_dataset(contrat, autre_contrat)


def bilan_of(contrat, user, annee_min=2024, annee_max=2025):
    return selectors.bilan_physico_financier(
        contrat=contrat, annee_min=annee_min, annee_max=annee_max, user=user
    )


# ---------------------------------------------------------------------------------------
# The selector
# ---------------------------------------------------------------------------------------


def test_it_sums_each_year_by_hand(jeu, contrat, agent_agglo):
    bilan = bilan_of(contrat, agent_agglo)
    a2024, a2025 = bilan.annees
    assert (a2024.annee, a2025.annee) == (2024, 2025)
    assert a2024.nb_actions == 2
    assert a2024.credits_specifiques == D("15000.00")
    assert a2024.total_accorde == D("19000.00")
    assert a2024.autres_financements == D("4000.00")
    assert a2024.taux_cofinancement == D("0.2667")
    assert (a2024.nb_reconductions, a2024.montant_reconductions) == (0, D("0"))
    assert (a2024.nb_nouvelles, a2024.montant_nouvelles) == (2, D("15000.00"))
    assert a2024.evolution_montant is None and a2024.evolution_pourcentage is None

    assert a2025.nb_actions == 2
    assert a2025.credits_specifiques == D("14500.50")
    assert a2025.total_accorde == D("17500.50")
    assert a2025.autres_financements == D("3000.00")
    assert a2025.taux_cofinancement == D("0.2069")
    assert (a2025.nb_reconductions, a2025.montant_reconductions) == (1, D("12000.00"))
    assert (a2025.nb_nouvelles, a2025.montant_nouvelles) == (1, D("2500.50"))
    assert a2025.evolution_montant == D("-499.50")
    assert a2025.evolution_pourcentage == D("-0.0333")
    assert a2025.evolution_nb_actions == 0


def test_it_totals_the_period(jeu, contrat, agent_agglo):
    totaux = bilan_of(contrat, agent_agglo).totaux
    assert totaux.nb_actions == 4
    assert totaux.credits_specifiques == D("29500.50")
    assert totaux.total_accorde == D("36500.50")
    assert totaux.autres_financements == D("7000.00")
    assert totaux.taux_cofinancement == D("0.2373")
    assert (totaux.nb_reconductions, totaux.montant_reconductions) == (1, D("12000.00"))
    assert (totaux.nb_nouvelles, totaux.montant_nouvelles) == (3, D("17500.50"))


def test_it_splits_by_pillar_quartier_and_funder(jeu, contrat, agent_agglo):
    bilan = bilan_of(contrat, agent_agglo)
    assert [(p.nom, p.nb_actions, p.credits_specifiques, p.part) for p in bilan.piliers] == [
        ("Cohésion sociale", 3, D("24500.50"), D("0.8305")),
        ("Emploi", 1, D("5000.00"), D("0.1695")),
    ]
    # La Conte: 10 000 + 60 % of 5 000 + 12 000; Ozanam: 40 % of 5 000 (the refused action's
    # 100 % in Ozanam does not count).
    assert [(q.nom, q.nb_actions, q.credits_specifiques, q.part) for q in bilan.quartiers] == [
        ("La Conte", 3, D("25000.00"), D("0.8474")),
        ("Ozanam", 1, D("2000.00"), D("0.0678")),
    ]
    assert bilan.non_ventile == D("2500.50")
    assert [
        (f.nom, f.nb_actions, f.credits_specifiques, f.droit_commun, f.total_accorde, f.part)
        for f in bilan.financeurs
    ] == [
        ("Préfecture de l'Aude", 4, D("29500.50"), D("0.00"), D("29500.50"), D("0.8082")),
        ("Département de l'Aude", 2, D("0.00"), D("7000.00"), D("7000.00"), D("0.1918")),
    ]


def test_it_keeps_empty_years_of_the_range_and_their_evolution(jeu, contrat, agent_agglo):
    bilan = bilan_of(contrat, agent_agglo, 2023, 2026)
    assert [a.annee for a in bilan.annees] == [2023, 2024, 2025, 2026]
    vide = bilan.annees[-1]
    assert (vide.nb_actions, vide.credits_specifiques, vide.taux_cofinancement) == (
        0,
        D("0"),
        None,
    )
    assert vide.evolution_montant == D("-14500.50")
    assert vide.evolution_pourcentage == D("-1.0000")
    # From nothing, the evolution has no percentage.
    assert bilan.annees[1].evolution_pourcentage is None
    assert bilan.totaux.credits_specifiques == D("29500.50")


def test_it_restricts_to_the_years_asked(jeu, contrat, agent_agglo):
    bilan = bilan_of(contrat, agent_agglo, 2025, 2025)
    assert bilan.totaux.nb_actions == 2
    assert bilan.totaux.credits_specifiques == D("14500.50")
    assert [(f.nom, f.nb_actions) for f in bilan.financeurs] == [
        ("Préfecture de l'Aude", 2),
        ("Département de l'Aude", 1),
    ]


def test_it_counts_what_the_user_may_see(jeu, contrat, agent_autre_contrat, superuser):
    # The other contract's agent follows none of this contract's actions.
    assert bilan_of(contrat, agent_autre_contrat).totaux.nb_actions == 0
    # The superuser sees everything, and still only this contract's funded actions.
    assert bilan_of(contrat, superuser).totaux.credits_specifiques == D("29500.50")


def test_it_runs_five_queries_whatever_the_number_of_actions(
    jeu, contrat, agent_agglo, django_assert_num_queries
):
    # 1 per year, 2 totals, 3 per pillar, 4 per quartier, 5 per funder (the user's roles
    # and contracts are subqueries of for_user(), the roles cached on the user).
    agent_agglo.has_role(RoleCode.ADMIN_PDV)
    with django_assert_num_queries(5):
        bilan_of(contrat, agent_agglo)
    _more_actions(contrat, jeu, 5)
    with django_assert_num_queries(5):
        assert bilan_of(contrat, agent_agglo).totaux.nb_actions == 9


def _more_actions(contrat, jeu, n):
    for i in range(n):
        action = ActionFactory(
            appel=jeu["appel_2025"],
            porteur=jeu["porteur"],
            etat=EtatAction.PROGRAMMEE,
            pilier=factories.PilierFactory(contrat=contrat, nom=f"Pilier ajouté {i}"),
        )
        ActionQuartier.objects.create(
            action=action, quartier=QuartierFactory(contrat=contrat), part=D("100")
        )
        _finance(action, factories.OrganisationFactory(etat=True), "100")


# ---------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------


def _text(response):
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


@pytest.mark.parametrize("persona", ["agent_agglo", "partenaire_etat", "lecteur", "superuser"])
def test_staff_and_partners_read_the_page(client, request, jeu, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL, PERIODE).status_code == 200


@pytest.mark.parametrize("persona", ["porteur", "outsider"])
def test_porteurs_are_refused(client, request, jeu, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.get(EXCEL_URL).status_code == 403


def test_the_page_shows_the_selectors_numbers(client, jeu, contrat, agent_agglo):
    client.force_login(agent_agglo)
    html = _text(client.get(URL, PERIODE))
    for figure in [
        "15\u202f000,00\u00a0€",  # 2024 specific credits
        "14\u202f500,50\u00a0€",  # 2025
        "29\u202f500,50\u00a0€",  # total
        "36\u202f500,50\u00a0€",  # total granted
        "-499,50\u00a0€",  # evolution 2025
        "-3,33\u00a0%",
        "26,67\u00a0%",  # co-funding 2024
        "23,73\u00a0%",  # co-funding overall
        "24\u202f500,50\u00a0€",  # Cohésion sociale
        "83,05\u00a0%",
        "25\u202f000,00\u00a0€",  # La Conte
        "2\u202f000,00\u00a0€",  # Ozanam
        "2\u202f500,50\u00a0€",  # not allocated
        "7\u202f000,00\u00a0€",  # Département
        "80,82\u00a0%",
        "12\u202f000,00\u00a0€",  # renewals 2025
    ]:
        assert figure in html, figure
    assert montant(D("50000")) not in html  # the other contract's action
    assert "Télécharger le classeur Excel" in html
    assert f'href="{EXCEL_URL}?annee_min=2024&amp;annee_max=2025"' in html


def test_the_chart_is_served_from_static_without_inline_script(client, jeu, agent_agglo):
    client.force_login(agent_agglo)
    html = client.get(URL, PERIODE).content.decode()
    assert "/static/vendor/chartjs/chart.umd.min.js" in html
    assert "/static/js/bilan.js" in html
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
    assert scripts and all(body.strip() == "" for body in scripts)
    # The chart's data table is the accessible alternative, and the script reads it.
    assert 'data-chart="evolution"' in html
    assert 'data-value="14500.50"' in html


def test_the_page_defaults_to_the_contracts_years_until_this_year(
    client, jeu, contrat, agent_agglo
):
    client.force_login(agent_agglo)
    response = client.get(URL)
    annee = min(contrat.annee_fin, datetime.date.today().year)
    form = response.context["form"]
    assert (form["annee_min"].value(), form["annee_max"].value()) == (2024, annee)
    assert [a.annee for a in response.context["bilan"].annees] == list(range(2024, annee + 1))


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"annee_min": "deux mille", "annee_max": "2025"}, "annee_min", "Saisissez un nombre"),
        ({"annee_min": "2026", "annee_max": "2025"}, "annee_max", "ne peut précéder"),
        ({"annee_min": "2020", "annee_max": "2025"}, "annee_min", "période du contrat"),
    ],
)
def test_a_bad_range_is_explained_next_to_its_field(
    client, jeu, agent_agglo, params, field, message
):
    client.force_login(agent_agglo)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert response.context["bilan"] is None
    assert client.get(EXCEL_URL, params).status_code == 400


def test_the_page_without_contract_says_so(client, db):
    client.force_login(factories.UserFactory(roles=[RoleCode.LECTEUR_PARTENAIRE]))
    response = client.get(URL)
    assert "Vous ne suivez aucun contrat" in response.content.decode()
    assert client.get(EXCEL_URL).status_code == 400


def test_it_locks_the_query_count_of_the_page(
    client, jeu, contrat, agent_agglo, django_assert_num_queries
):
    client.force_login(agent_agglo)
    # 1 session, 2 user, 3 user's roles, 4 current contract, 5–9 the selector (year, totals,
    # pillar, quartier, funder), 10 contracts of the switcher, 11 user's organisation.
    with django_assert_num_queries(11):
        client.get(URL, PERIODE)
    _more_actions(contrat, jeu, 6)
    with django_assert_num_queries(11):
        response = client.get(URL, PERIODE)
    assert "Pilier ajouté 5" in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_chart_draws_the_tables_figures_on_an_accessible_page(
    page,  # noqa: F811
    contrat,
    autre_contrat,
    agent_agglo,
):
    build_dataset(contrat, autre_contrat)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, agent_agglo)
    page.goto(f"{URL}?annee_min=2024&annee_max=2025")
    page.wait_for_function("() => window.Chart && Chart.getChart('graphique-evolution')")
    series = page.evaluate(
        "() => Chart.getChart('graphique-evolution').data.datasets.map(d => d.data)"
    )
    assert series == [[15000, 14500.5], [2, 2]]
    assert errors == []
    assert_no_axe_violations(page)


# ---------------------------------------------------------------------------------------
# The Excel workbook
# ---------------------------------------------------------------------------------------


def _workbook(client, user, params=PERIODE):
    client.force_login(user)
    response = client.get(EXCEL_URL, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def _num(value):
    return None if value is None else D(str(value))


def _rows(sheet, count):
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2, max_row=count + 1)]


def test_the_workbook_has_one_sheet_per_view(client, jeu, agent_agglo):
    workbook = _workbook(client, agent_agglo)
    assert workbook.sheetnames == [
        "Synthèse par année",
        "Par pilier",
        "Par quartier",
        "Par financeur",
        "Reconductions",
    ]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")


def test_the_yearly_sheet_holds_the_selectors_numbers(client, jeu, contrat, agent_agglo):
    bilan = bilan_of(contrat, agent_agglo)
    sheet = _workbook(client, agent_agglo)["Synthèse par année"]
    rows = _rows(sheet, 2)
    for row, annee in zip(rows, bilan.annees, strict=True):
        assert row[0] == annee.annee
        assert row[1] == annee.nb_actions
        assert _num(row[2]) == annee.credits_specifiques
        assert _num(row[3]) == annee.autres_financements
        assert _num(row[4]) == annee.total_accorde
        assert _num(row[5]) == annee.taux_cofinancement
    assert _num(rows[1][6]) == D("-499.50")
    assert _num(rows[1][7]) == D("-0.0333")
    # Totals: formulas over the two yearly rows, the ratio from the totals.
    assert [sheet.cell(row=4, column=c).value for c in range(1, 6)] == [
        "Total",
        "=SUM(B2:B3)",
        "=SUM(C2:C3)",
        "=SUM(D2:D3)",
        "=SUM(E2:E3)",
    ]
    assert sheet["F4"].value == '=IF(C4=0,"",D4/C4)'
    assert sheet["C2"].number_format == '#,##0.00\\ "€"'
    assert sheet["F2"].number_format.endswith("%")
    chart = sheet._charts[0]
    assert "Synthèse par année" in str(chart.series[0].val.numRef.f)
    assert "$C$2:$C$3" in chart.series[0].val.numRef.f


def test_the_other_sheets_hold_the_selectors_numbers(client, jeu, contrat, agent_agglo):
    workbook = _workbook(client, agent_agglo)
    piliers = workbook["Par pilier"]
    assert [(r[0], r[1], _num(r[2]), _num(r[3])) for r in _rows(piliers, 2)] == [
        ("Cohésion sociale", 3, D("24500.5"), D("0.8305")),
        ("Emploi", 1, D("5000"), D("0.1695")),
    ]
    assert (piliers["B4"].value, piliers["C4"].value) == ("=SUM(B2:B3)", "=SUM(C2:C3)")

    quartiers = workbook["Par quartier"]
    assert [(r[0], r[1], r[2], _num(r[3]), _num(r[4])) for r in _rows(quartiers, 2)] == [
        ("La Conte", "QN011001", 3, D("25000"), D("0.8474")),
        ("Ozanam", "QN011002", 1, D("2000"), D("0.0678")),
    ]
    assert quartiers["D4"].value == "=SUM(D2:D3)"
    assert quartiers["A5"].value == "Non ventilé entre quartiers"
    assert _num(quartiers["D5"].value) == D("2500.5")

    financeurs = workbook["Par financeur"]
    assert [
        tuple(_num(v) if i > 1 else v for i, v in enumerate(r[:6])) for r in _rows(financeurs, 2)
    ] == [
        ("Préfecture de l'Aude", 4, D("29500.5"), D("0"), D("29500.5"), D("0.8082")),
        ("Département de l'Aude", 2, D("0"), D("7000"), D("7000"), D("0.1918")),
    ]
    assert [financeurs.cell(row=4, column=c).value for c in (3, 4, 5)] == [
        "=SUM(C2:C3)",
        "=SUM(D2:D3)",
        "=SUM(E2:E3)",
    ]

    reconductions = workbook["Reconductions"]
    assert [tuple(_num(v) for v in r[:5]) for r in _rows(reconductions, 2)] == [
        (D("2024"), D("0"), D("0"), D("2"), D("15000")),
        (D("2025"), D("1"), D("12000"), D("1"), D("2500.5")),
    ]
    assert reconductions["C4"].value == "=SUM(C2:C3)"


# .ci/run installs LibreOffice: in CI (CI=1) this test always runs.
@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (make test outside CI)",
)
def test_libreoffice_computes_the_totals_to_the_selectors_numbers(
    client, jeu, contrat, agent_agglo, tmp_path
):
    bilan = bilan_of(contrat, agent_agglo)
    client.force_login(agent_agglo)
    source = tmp_path / "source" / "bilan.xlsx"
    source.parent.mkdir()
    source.write_bytes(client.get(EXCEL_URL, PERIODE).content)
    workbook = load_workbook(convertir(source, tmp_path, "xlsx"), data_only=True)
    synthese = workbook["Synthèse par année"]
    totaux = bilan.totaux
    assert synthese["B4"].value == totaux.nb_actions
    assert _num(synthese["C4"].value) == totaux.credits_specifiques
    assert _num(synthese["D4"].value) == totaux.autres_financements
    assert _num(synthese["E4"].value) == totaux.total_accorde
    assert round(_num(synthese["F4"].value), 4) == totaux.taux_cofinancement
    assert _num(workbook["Par pilier"]["C4"].value) == totaux.credits_specifiques
    quartiers = workbook["Par quartier"]
    assert _num(quartiers["D4"].value) + bilan.non_ventile == totaux.credits_specifiques
    assert _num(workbook["Par financeur"]["E4"].value) == totaux.total_accorde
    reconductions = workbook["Reconductions"]
    assert _num(reconductions["C4"].value) == totaux.montant_reconductions
    assert _num(reconductions["E4"].value) == totaux.montant_nouvelles
    assert reconductions["D4"].value == totaux.nb_nouvelles


def test_the_workbook_is_the_selectors_bilan(jeu, contrat, agent_agglo):
    workbook = exports.bilan_workbook(bilan_of(contrat, agent_agglo), contrat=contrat)
    assert workbook["Synthèse par année"]["C2"].value == D("15000.00")
