"""The programming table: one row per action of the current contract, a column group per
funder (requested, granted, paid), totals over the whole filtered set, its filters, sort,
pages, scoping, and its CSV and Excel exports. Every amount is computed by hand from `jeu`."""

import csv
import datetime
import io
import os
import re
import shutil
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.chart import BarChart

from cdv import excel
from cdv.models import ThematiqueANCT
from programmation.enums import EtatAction, NatureFinancement
from programmation.models import ActionQuartier
from tests import factories
from tests.libreoffice import lignes_csv
from tests.programmation.factories import (
    ActionFactory,
    AppelFactory,
    ConventionFactory,
    FinancementFactory,
    QuartierFactory,
    VersementFactory,
)

URL = reverse("programmation:action_list")
CSV_URL = reverse("programmation:action_export_csv")
XLSX_URL = reverse("programmation:action_export_xlsx")
DEPOT = datetime.datetime(2026, 1, 20, 10, 0, tzinfo=datetime.UTC)

SCOLAIRE, MEDIATION, CHANTIER = "Soutien scolaire", "Médiation sociale", "Chantier jeunes"
SCOLAIRE_2025 = "Soutien scolaire 2025"


class Jeu:
    """What the tests refer to by name."""


@pytest.fixture
def jeu(contrat, autre_contrat, partenaire_etat):
    """Three deposited 2026 actions and one 2025 action of the contract, a 2026 draft, and
    an action of another contract. Funders: the Département and the Préfecture.

    2026   Soutien scolaire (Alpha, Cohésion, La Conte, Jeunesse, sub-theme, new, programmée)
             Département 5 000 asked, 5 000 granted, 2 500 paid
             Préfecture 10 000 asked, 8 000 granted, 3 000 + 1 000 paid
           Médiation sociale (Beta, Emploi, Le Viguier, renewal, en instruction)
             Département 1 000 (ordinary law, 1 000 granted) + 2 000 (specific, nothing yet)
             Préfecture 4 000 asked, nothing granted yet
           Chantier jeunes (Alpha, Cohésion, La Conte 60 % + Le Viguier 40 %, new, déposée)
             Département 3 000 asked
    2025   Soutien scolaire 2025 (Alpha, soldée): Préfecture 9 000 asked, granted, paid.
    """
    j = Jeu()
    j.prefecture = partenaire_etat.organisation
    j.departement = factories.OrganisationFactory(etat=True, nom="Département de l'Aude")
    j.alpha = factories.OrganisationFactory(nom="Association Alpha")
    j.beta = factories.OrganisationFactory(nom="Association Beta")
    j.cohesion = factories.PilierFactory(contrat=contrat, nom="Cohésion sociale", ordre=1)
    j.emploi = factories.PilierFactory(contrat=contrat, nom="Emploi", ordre=2)
    j.conte = QuartierFactory(contrat=contrat, nom="La Conte")
    j.viguier = QuartierFactory(contrat=contrat, nom="Le Viguier")
    j.jeunesse = factories.AxeTransversalFactory(contrat=contrat, nom="Jeunesse")
    j.sous_theme = ThematiqueANCT.objects.filter(parent__isnull=False).first()
    j.theme = j.sous_theme.parent
    j.appel = AppelFactory(contrat=contrat, annee=2026)
    j.appel_2025 = AppelFactory(contrat=contrat, annee=2025)

    def action(intitule, porteur, pilier, etat, quartiers, appel=None, **kwargs):
        a = ActionFactory(
            appel=appel or j.appel,
            intitule=intitule,
            porteur=porteur,
            pilier=pilier,
            etat=etat,
            deposee_le=DEPOT,
            **kwargs,
        )
        for quartier, part in quartiers:
            ActionQuartier.objects.create(action=a, quartier=quartier, part=D(part))
        return a

    j.scolaire = action(
        SCOLAIRE,
        j.alpha,
        j.cohesion,
        EtatAction.PROGRAMMEE,
        [(j.conte, "100")],
        thematique=j.sous_theme,
    )
    j.scolaire.axes.add(j.jeunesse)
    FinancementFactory(
        action=j.scolaire,
        financeur=j.departement,
        montant_demande=D("5000"),
        montant_accorde=D("5000"),
    )
    FinancementFactory(
        action=j.scolaire,
        financeur=j.prefecture,
        montant_demande=D("10000"),
        montant_accorde=D("8000"),
    )
    convention = ConventionFactory(action=j.scolaire, financeur=j.prefecture, montant=D("8000"))
    VersementFactory(convention=convention, montant=D("3000"))
    VersementFactory(convention=convention, montant=D("1000"))
    convention = ConventionFactory(action=j.scolaire, financeur=j.departement, montant=D("5000"))
    VersementFactory(convention=convention, montant=D("2500"))

    j.mediation = action(
        MEDIATION,
        j.beta,
        j.emploi,
        EtatAction.EN_INSTRUCTION,
        [(j.viguier, "100")],
        est_reconduction=True,
    )
    FinancementFactory(
        action=j.mediation,
        financeur=j.departement,
        nature=NatureFinancement.DROIT_COMMUN,
        montant_demande=D("1000"),
        montant_accorde=D("1000"),
    )
    FinancementFactory(action=j.mediation, financeur=j.departement, montant_demande=D("2000"))
    FinancementFactory(action=j.mediation, financeur=j.prefecture, montant_demande=D("4000"))

    j.chantier = action(
        CHANTIER,
        j.alpha,
        j.cohesion,
        EtatAction.DEPOSEE,
        [(j.conte, "60"), (j.viguier, "40")],
    )
    FinancementFactory(action=j.chantier, financeur=j.departement, montant_demande=D("3000"))

    j.scolaire_2025 = action(
        SCOLAIRE_2025, j.alpha, j.cohesion, EtatAction.SOLDEE, [], appel=j.appel_2025
    )
    FinancementFactory(
        action=j.scolaire_2025,
        financeur=j.prefecture,
        montant_demande=D("9000"),
        montant_accorde=D("9000"),
    )
    convention = ConventionFactory(
        action=j.scolaire_2025, financeur=j.prefecture, montant=D("9000")
    )
    VersementFactory(convention=convention, montant=D("9000"))

    ActionFactory(appel=j.appel, intitule="Brouillon caché", porteur=j.alpha)
    ailleurs = AppelFactory(contrat=autre_contrat, annee=2026)
    narbonne = ActionFactory(appel=ailleurs, intitule="Action de Narbonne", etat="deposee")
    FinancementFactory(action=narbonne, financeur=j.prefecture, montant_demande=D("777"))
    return j


def page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def intitules(response):
    return [ligne.action.intitule for ligne in response.context["tableau"].lignes]


def montants(m):
    return (m.demande, m.accorde, m.verse)


# The rows and their figures -----------------------------------------------------------------


def test_it_shows_the_latest_year_with_a_column_group_per_funder(client, jeu, agent_agglo):
    response = page(client, agent_agglo, tri="intitule")
    tableau = response.context["tableau"]

    assert intitules(response) == [CHANTIER, MEDIATION, SCOLAIRE]
    assert [f.nom for f in tableau.financeurs] == ["Département de l'Aude", "Préfecture de l'Aude"]
    chantier, mediation, scolaire = tableau.lignes
    assert [montants(m) for m in scolaire.par_financeur] == [
        (D("5000"), D("5000"), D("2500")),
        (D("10000"), D("8000"), D("4000")),
    ]
    assert montants(scolaire.total) == (D("15000"), D("13000"), D("6500"))
    # Two funding rows of the Département (ordinary law + specific) add up; nothing paid.
    assert [montants(m) for m in mediation.par_financeur] == [
        (D("3000"), D("1000"), D("0")),
        (D("4000"), None, D("0")),
    ]
    assert montants(mediation.total) == (D("7000"), D("1000"), D("0"))
    assert [montants(m) for m in chantier.par_financeur] == [
        (D("3000"), None, D("0")),
        (None, None, None),
    ]
    assert chantier.quartiers == ["La Conte", "Le Viguier"]
    # Totals: 5 000 + 3 000 + 3 000; 5 000 + 1 000; 2 500 — and 10 000 + 4 000; 8 000; 4 000.
    assert [montants(m) for m in tableau.totaux] == [
        (D("11000"), D("6000"), D("2500")),
        (D("14000"), D("8000"), D("4000")),
    ]
    assert montants(tableau.total) == (D("25000"), D("14000"), D("6500"))

    html = response.content.decode()
    assert "15\u202f000,00\u00a0€" in html and "25\u202f000,00\u00a0€" in html
    assert "20/01/2026" in html
    assert "Brouillon caché" not in html and "Action de Narbonne" not in html
    assert '<th scope="colgroup" colspan="3" id="h-f2">Préfecture de l&#x27;Aude</th>' in html
    assert "<caption" in html and 'aria-sort="ascending"' in html
    assert 'headers="h-f2 h-f2-accorde r-total"' in html


def test_every_year_together_or_one_year(client, jeu, agent_agglo):
    assert intitules(page(client, agent_agglo, annee=2025)) == [SCOLAIRE_2025]
    response = page(client, agent_agglo, annee="", tri="annee")
    assert intitules(response) == [SCOLAIRE_2025, CHANTIER, MEDIATION, SCOLAIRE]
    # 25 000 in 2026 and 9 000 in 2025.
    assert response.context["tableau"].total.demande == D("34000")


@pytest.mark.parametrize(
    ("criteres", "attendus"),
    [
        (lambda j: {"pilier": j.emploi.pk}, [MEDIATION]),
        (lambda j: {"quartier": j.viguier.pk}, [CHANTIER, MEDIATION]),
        (lambda j: {"porteur": j.alpha.pk}, [CHANTIER, SCOLAIRE]),
        (lambda j: {"financeur": j.prefecture.pk}, [MEDIATION, SCOLAIRE]),
        (lambda j: {"etat": ["deposee", "en_instruction"]}, [CHANTIER, MEDIATION]),
        (lambda j: {"nouveaute": "reconduction"}, [MEDIATION]),
        (lambda j: {"nouveaute": "nouvelle"}, [CHANTIER, SCOLAIRE]),
        (lambda j: {"axe": j.jeunesse.pk}, [SCOLAIRE]),
        (lambda j: {"thematique": j.theme.pk}, [SCOLAIRE]),
        (lambda j: {"q": "SCOL"}, [SCOLAIRE]),
        (lambda j: {"q": "beta"}, [MEDIATION]),
    ],
    ids=[
        "pilier",
        "quartier",
        "porteur",
        "financeur",
        "etat",
        "reconduction",
        "nouvelle",
        "axe",
        "thematique",
        "recherche-intitule",
        "recherche-porteur",
    ],
)
def test_each_criterion_narrows_the_rows(client, jeu, agent_agglo, criteres, attendus):
    assert intitules(page(client, agent_agglo, tri="intitule", **criteres(jeu))) == attendus


def test_the_columns_and_totals_follow_the_filter(client, jeu, agent_agglo):
    tableau = page(client, agent_agglo, porteur=jeu.beta.pk).context["tableau"]
    assert [montants(m) for m in tableau.totaux] == [
        (D("3000"), D("1000"), D("0")),
        (D("4000"), D("0"), D("0")),
    ]
    # Only the Département is solicited on the new chantier.
    tableau = page(client, agent_agglo, q="chantier").context["tableau"]
    assert [f.nom for f in tableau.financeurs] == ["Département de l'Aude"]
    assert montants(tableau.total) == (D("3000"), D("0"), D("0"))


def test_the_choices_are_the_contract_s(client, jeu, agent_agglo, autre_contrat):
    factories.PilierFactory(contrat=autre_contrat, nom="Pilier de Narbonne")
    form = page(client, agent_agglo).context["selection"].filtre.form
    assert [p.nom for p in form.fields["pilier"].queryset] == ["Cohésion sociale", "Emploi"]
    assert {o.nom for o in form.fields["porteur"].queryset} == {
        "Association Alpha",
        "Association Beta",
    }
    assert [o.nom for o in form.fields["financeur"].queryset] == [
        "Département de l'Aude",
        "Préfecture de l'Aude",
    ]
    html = page(client, agent_agglo).content.decode()
    assert '<option value="2026" selected>2026</option>' in html
    assert '<legend id="titre-filtres">' in html and '<label for="id_pilier">Pilier' in html


# Sort and pages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tri", "attendus"),
    [
        ("intitule", [CHANTIER, MEDIATION, SCOLAIRE]),
        ("-intitule", [SCOLAIRE, MEDIATION, CHANTIER]),
        ("porteur", [CHANTIER, SCOLAIRE, MEDIATION]),  # Alpha (by title), then Beta
        ("-porteur", [MEDIATION, CHANTIER, SCOLAIRE]),
        ("etat", [CHANTIER, MEDIATION, SCOLAIRE]),  # déposée, en instruction, programmée
        ("-etat", [SCOLAIRE, MEDIATION, CHANTIER]),
        ("demande", [CHANTIER, MEDIATION, SCOLAIRE]),  # 3 000, 7 000, 15 000
        ("-demande", [SCOLAIRE, MEDIATION, CHANTIER]),
        ("accorde", [CHANTIER, MEDIATION, SCOLAIRE]),  # 0, 1 000, 13 000
        ("-accorde", [SCOLAIRE, MEDIATION, CHANTIER]),
        ("-verse", [SCOLAIRE, CHANTIER, MEDIATION]),  # 6 500, then 0 and 0 by title
        ("pilier", [CHANTIER, SCOLAIRE, MEDIATION]),
        ("n_importe_quoi", [CHANTIER, MEDIATION, SCOLAIRE]),  # the default: year, title
    ],
)
def test_it_sorts_by_a_whitelisted_column(client, jeu, agent_agglo, tri, attendus):
    response = page(client, agent_agglo, tri=tri)
    assert intitules(response) == attendus


def test_the_sort_links_keep_the_criteria_and_reverse(client, jeu, agent_agglo):
    html = page(client, agent_agglo, tri="intitule", porteur=jeu.alpha.pk).content.decode()
    assert f"?annee=2026&amp;porteur={jeu.alpha.pk}&amp;tri=-intitule" in html
    assert f"?annee=2026&amp;porteur={jeu.alpha.pk}&amp;tri=demande" in html


def test_the_pages_keep_the_criteria_and_the_totals_cover_every_page(client, jeu, agent_agglo):
    gamma = factories.OrganisationFactory(nom="Association Gamma")
    for n in range(52):
        action = ActionFactory(
            appel=jeu.appel, porteur=gamma, intitule=f"Atelier {n:02d}", etat="deposee"
        )
        FinancementFactory(action=action, financeur=jeu.departement, montant_demande=D("100"))

    response = page(client, agent_agglo, porteur=gamma.pk, tri="-intitule")
    assert len(intitules(response)) == 50
    assert intitules(response)[0] == "Atelier 51"
    # 52 actions × 100 €, though the page shows 50 of them.
    assert response.context["tableau"].total.demande == D("5200")
    html = response.content.decode()
    suivante = re.search(r'<a href="\?([^"]+)">Page suivante</a>', html).group(1)
    assert suivante == f"annee=2026&amp;porteur={gamma.pk}&amp;tri=-intitule&amp;page=2"

    client.force_login(agent_agglo)
    response = client.get(f"{URL}?{suivante.replace('&amp;', '&')}")
    assert intitules(response) == ["Atelier 01", "Atelier 00"]
    assert "Page précédente" in response.content.decode()


# Who sees what ------------------------------------------------------------------------------


def test_a_partner_sees_only_the_actions_its_organisation_is_solicited_on(
    client, jeu, partenaire_etat
):
    response = page(client, partenaire_etat, tri="intitule")
    assert intitules(response) == [MEDIATION, SCOLAIRE]
    tableau = response.context["tableau"]
    # Département: 5 000 + 1 000 + 2 000 asked, 5 000 + 1 000 granted, 2 500 paid.
    assert [montants(m) for m in tableau.totaux] == [
        (D("8000"), D("6000"), D("2500")),
        (D("14000"), D("8000"), D("4000")),
    ]
    porteurs = response.context["selection"].filtre.form.fields["porteur"].queryset
    assert {o.nom for o in porteurs} == {"Association Alpha", "Association Beta"}


def test_a_reader_sees_every_deposited_action(client, jeu, lecteur):
    assert intitules(page(client, lecteur, tri="intitule")) == [CHANTIER, MEDIATION, SCOLAIRE]


def test_another_contract_s_actions_never_appear(client, jeu, agent_agglo, agent_autre_contrat):
    assert intitules(page(client, agent_autre_contrat)) == ["Action de Narbonne"]
    response = page(client, agent_agglo, annee="", q="Narbonne")
    assert intitules(response) == []
    assert "Aucune action ne correspond à ces critères." in response.content.decode()


@pytest.mark.parametrize("url", [URL, CSV_URL, XLSX_URL])
def test_porteurs_and_outsiders_are_refused(client, jeu, porteur, outsider, url):
    for user in (porteur, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403


# The query budget -----------------------------------------------------------------------------


def test_it_locks_the_query_count_whatever_the_rows_and_funders(
    client, agent_agglo, contrat, django_assert_num_queries
):
    appel = AppelFactory(contrat=contrat, annee=2026)
    financeurs = [factories.OrganisationFactory(etat=True) for _ in range(3)]

    def deposer(n, solicited):
        for _ in range(n):
            action = ActionFactory(appel=appel, etat="deposee")
            ActionQuartier.objects.create(
                action=action, quartier=QuartierFactory(contrat=contrat), part=D("100")
            )
            for financeur in solicited:
                FinancementFactory(action=action, financeur=financeur)
                convention = ConventionFactory(action=action, financeur=financeur)
                VersementFactory(convention=convention)

    deposer(2, financeurs[:2])
    client.force_login(agent_agglo)
    # 1 session, 2 user, 3 user's roles, 4 current contract, 5 years having actions,
    # 6 the page's count, 7 its actions + call + porteur + pillar, 8 their quartiers,
    # 9 requested and granted per funder over the whole selection (the columns), 10 paid
    # per funder over it, 11 requested and granted per (action, funder) of the page,
    # 12 paid per (action, funder) of the page, 13 contracts of the switcher, 14 user's
    # organisation (header), then the filter form's choices: 15 pillars, 16 quartiers,
    # 17 porteurs, 18 funders, 19 axes, 20 ANCT themes.
    with django_assert_num_queries(20):
        response = client.get(URL)
    assert len(response.context["tableau"].lignes) == 2
    assert len(response.context["tableau"].financeurs) == 2

    deposer(4, financeurs)
    with django_assert_num_queries(20):
        response = client.get(URL)
    assert len(response.context["tableau"].lignes) == 6
    assert len(response.context["tableau"].financeurs) == 3
    # Each of the 6 rows has an amount in each of the 3 funder groups.
    assert response.content.decode().count("5\u202f000,00\u00a0€") >= 18


# Exports ----------------------------------------------------------------------------------


def lire_csv(response):
    texte = response.content.decode("utf-8")
    assert texte.startswith("\ufeff")
    return list(csv.reader(io.StringIO(texte[1:]), delimiter=";"))


ENTETES = [
    "Année",
    "Porteur",
    "Intitulé",
    "Pilier",
    "Quartiers",
    "Nouvelle ou reconduction",
    "État",
    "Déposée le",
    "Département de l'Aude — demandé",
    "Département de l'Aude — accordé",
    "Département de l'Aude — versé",
    "Préfecture de l'Aude — demandé",
    "Préfecture de l'Aude — accordé",
    "Préfecture de l'Aude — versé",
    "Total demandé",
    "Total accordé",
    "Total versé",
]


def test_the_csv_is_the_filtered_sorted_table_for_french_excel(client, jeu, agent_agglo):
    client.force_login(agent_agglo)
    response = client.get(CSV_URL, {"tri": "-demande", "etat": ["programmee", "deposee"]})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="programmation-CN01102I-2026.csv"' in response["Content-Disposition"]
    lignes = lire_csv(response)
    assert lignes[0] == ENTETES
    descriptif = "2026;Association Alpha;Soutien scolaire;Cohésion sociale;La Conte;"
    descriptif += "Action nouvelle;Programmée;20/01/2026"
    montants_ = "5000,00 5000,00 2500,00 10000,00 8000,00 4000,00 15000,00 13000,00 6500,00"
    assert lignes[1] == descriptif.split(";") + montants_.split()
    assert lignes[2][2:8] == [
        CHANTIER,
        "Cohésion sociale",
        "La Conte, Le Viguier",
        "Action nouvelle",
        "Déposée",
        "20/01/2026",
    ]
    assert lignes[2][8:] == ["3000,00", "", "0,00", "", "", "", "3000,00", "0,00", "0,00"]
    # The totals: 5 000 + 3 000 asked of the Département, and so on.
    totaux = "8000,00 5000,00 2500,00 10000,00 8000,00 4000,00 18000,00 13000,00 6500,00"
    assert lignes[3] == ["Total", *[""] * 7, *totaux.split()]
    assert len(lignes) == 4


def test_the_csv_has_the_chosen_columns(client, jeu, agent_agglo):
    client.force_login(agent_agglo)
    response = client.get(
        CSV_URL, {"colonnes": ["intitule", "totaux", "accorde", "inconnue"], "tri": "intitule"}
    )
    assert lire_csv(response) == [
        ["Intitulé", "Total accordé"],
        [CHANTIER, "0,00"],
        [MEDIATION, "1000,00"],
        [SCOLAIRE, "13000,00"],
        ["Total", "14000,00"],
    ]


def test_the_page_offers_the_export_of_what_it_shows(client, jeu, agent_agglo):
    html = page(client, agent_agglo, porteur=jeu.alpha.pk, tri="etat").content.decode()
    assert f'<input type="hidden" name="porteur" value="{jeu.alpha.pk}">' in html
    assert '<input type="hidden" name="tri" value="etat">' in html
    assert '<input type="hidden" name="annee" value="2026">' in html
    assert f'formaction="{CSV_URL}"' in html and f'action="{XLSX_URL}"' in html
    assert 'name="colonnes" value="financeurs" id="colonne-financeurs" checked' in html


def workbook_of(client, user, **params):
    client.force_login(user)
    response = client.get(XLSX_URL, params)
    assert response["Content-Type"] == excel.XLSX
    return response, load_workbook(io.BytesIO(response.content))


def test_the_workbook_is_the_table_with_formula_totals_and_the_evolution(client, jeu, agent_agglo):
    response, workbook = workbook_of(client, agent_agglo, tri="intitule")
    assert 'filename="programmation-CN01102I-2026.xlsx"' in response["Content-Disposition"]
    assert workbook.sheetnames == ["Programmation", "Évolution"]
    sheet = workbook["Programmation"]
    assert [c.value for c in sheet[1]] == ENTETES
    assert [c.value for c in sheet["C"][1:4]] == [CHANTIER, MEDIATION, SCOLAIRE]
    scolaire = [c.value for c in sheet[4]]
    assert scolaire[0] == 2026
    assert scolaire[7] == datetime.datetime(2026, 1, 20)
    assert scolaire[8:] == [5000, 5000, 2500, 10000, 8000, 4000, 15000, 13000, 6500]
    assert sheet["H4"].number_format == excel.DATE
    assert sheet["I4"].number_format == excel.EURO and sheet["Q5"].number_format == excel.EURO
    # Médiation: nothing granted yet by the Préfecture is an empty cell.
    assert sheet["M3"].value is None
    assert sheet["A5"].value == "Total"
    assert [sheet.cell(row=5, column=c).value for c in range(9, 18)] == [
        f"=SUM({col}2:{col}4)" for col in "IJKLMNOPQ"
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:Q4"

    evolution = workbook["Évolution"]
    assert [[c.value for c in row] for row in evolution.iter_rows(max_row=3)] == [
        ["Année", "Nombre d'actions", "Total demandé", "Total accordé", "Total versé"],
        [2025, 1, 9000, 9000, 9000],
        [2026, 3, 25000, 14000, 6500],
    ]
    assert [evolution.cell(row=4, column=c).value for c in (2, 3, 4, 5)] == [
        "=SUM(B2:B3)",
        "=SUM(C2:C3)",
        "=SUM(D2:D3)",
        "=SUM(E2:E3)",
    ]
    assert evolution["C2"].number_format == excel.EURO
    (chart,) = evolution._charts
    assert isinstance(chart, BarChart) and len(chart.series) == 3


def test_the_evolution_ignores_the_year_but_keeps_the_other_criteria(client, jeu, agent_agglo):
    _, workbook = workbook_of(client, agent_agglo, annee=2025, financeur=jeu.departement.pk)
    assert workbook["Programmation"].max_row == 2  # the header and an empty total row
    evolution = workbook["Évolution"]
    # The Département is solicited on the three 2026 actions only.
    assert [[c.value for c in row] for row in evolution.iter_rows(min_row=2, max_row=2)] == [
        [2026, 3, 25000, 14000, 6500]
    ]


# .ci/run installs LibreOffice: in CI (CI=1) this test always runs.
@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (make test outside CI)",
)
def test_libreoffice_computes_the_same_totals(client, jeu, agent_agglo, tmp_path):
    _, workbook = workbook_of(client, agent_agglo, annee="")
    source = tmp_path / "source" / "programmation.xlsx"
    source.parent.mkdir()
    workbook.save(source)
    lignes = lignes_csv(source, tmp_path)
    assert len(lignes) == 6  # the header, four actions, the totals
    total = lignes[-1]
    assert total[0] == "Total"
    # Every year: 2026 as above, plus 9 000 asked of, granted and paid by the Préfecture.
    attendus = "11000 6000 2500 23000 17000 13000 34000 23000 15500"
    assert [D(value) for value in total[8:]] == [D(value) for value in attendus.split()]


def test_an_invalid_criterion_is_shown_and_left_out(client, jeu, agent_agglo):
    response = page(client, agent_agglo, pilier=999999, porteur=jeu.beta.pk)
    assert intitules(response) == [MEDIATION]
    assert response.context["selection"].filtre.form.errors["pilier"]
    assert response.context["selection"].annee == 2026
