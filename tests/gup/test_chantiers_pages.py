"""The chantiers tremplin's pages: list and filters, detail, the form with its funders and
its French errors, the bilan and its Excel export, by role."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gup.models import ChantierTremplin, FinancementChantier
from tests.gup.factories import ChantierFactory, DiagnosticFactory
from tests.gup.test_chantiers import (  # noqa: F401 (fixtures)
    chantiers_fixture,
    intervenant_regie_fixture,
    la_conte_fixture,
    regie_fixture,
    viguier_fixture,
)

pytestmark = pytest.mark.django_db
LIST = reverse("gup:chantier_list")
CREATE = reverse("gup:chantier_create")
BILAN = reverse("gup:chantier_bilan")
EXCEL = reverse("gup:chantier_bilan_excel")
COMPTAGES = {
    "participants": 10,
    "femmes": 4,
    "hommes": 6,
    "residents_qpv": 8,
    "sorties_emploi": 3,
    "sorties_formation": 2,
    "sorties_iae": 0,
    "sorties_autre_suivi": 1,
    "sorties_sans_solution": 1,
}


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def _intitules(response):
    assert response.status_code == 200
    return {chantier.intitule for chantier in response.context["chantiers"]}


def _data(quartier, operateur, financements=(), **champs):
    """What the form posts: the site's fields and the funders' table."""
    data = {
        "chantier-quartier": quartier.pk,
        "chantier-annee": 2026,
        "chantier-intitule": "Embellissement des cages d'escalier",
        "chantier-operateur": operateur.pk,
        "chantier-date_debut": "2026-03-02",
        "chantier-date_fin": "2026-05-29",
        **{f"chantier-{name}": value for name, value in COMPTAGES.items()},
        **{f"chantier-{name}": value for name, value in champs.items()},
        "financements-TOTAL_FORMS": len(financements),
        "financements-INITIAL_FORMS": 0,
        "financements-MIN_NUM_FORMS": 0,
        "financements-MAX_NUM_FORMS": 1000,
    }
    for index, (financeur, montant) in enumerate(financements):
        data[f"financements-{index}-financeur"] = financeur.pk
        data[f"financements-{index}-montant"] = montant
    return data


# The list ----------------------------------------------------------------------------------


def test_the_coordination_lists_its_contracts_sites(client, chantiers, coordinateur_gup):
    response = _get(client, coordinateur_gup, LIST)

    assert _intitules(response) == {
        "Peinture des halls",
        "Jardins partagés",
        "Rénovation des caves",
    }
    content = response.content.decode()
    assert "Nouveau chantier tremplin" in content
    assert "Chantier de Narbonne" not in content


def test_the_list_filters_by_year_and_quartier(client, chantiers, coordinateur_gup, viguier):
    assert _intitules(_get(client, coordinateur_gup, LIST, annee=2025)) == {
        "Peinture des halls",
        "Jardins partagés",
    }
    assert _intitules(_get(client, coordinateur_gup, LIST, quartier=viguier.pk)) == {
        "Rénovation des caves"
    }


def test_the_list_shows_dates_and_funding_in_french(client, chantiers, coordinateur_gup, regie):
    chantier = chantiers["a"]
    chantier.date_debut, chantier.date_fin = "2025-03-03", "2025-05-30"
    chantier.save()
    FinancementChantier.objects.create(chantier=chantier, financeur=regie, montant=1234.5)

    content = _get(client, coordinateur_gup, LIST).content.decode()

    assert "du 03/03/2025 au 30/05/2025" in content
    assert "1\u202f234,50\u00a0€" in content


def test_the_list_takes_a_constant_number_of_queries(
    client, chantiers, coordinateur_gup, la_conte, regie, django_assert_num_queries
):
    client.force_login(coordinateur_gup)

    def liste():
        # session, user, roles, current contract, the years of the filter, the header's
        # contract switcher and organisation, the filter's quartiers, the sites with
        # quartier, operator and the sum of their funding
        with django_assert_num_queries(9):
            response = client.get(LIST)
        return len(response.context["chantiers"])

    assert liste() == 3
    for n in range(6):
        chantier = ChantierFactory(quartier=la_conte, operateur=regie)
        FinancementChantier.objects.create(chantier=chantier, financeur=regie, montant=n)
    assert liste() == 9


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("lecteur", {"Peinture des halls", "Jardins partagés", "Rénovation des caves"}),
        ("intervenant_regie", {"Peinture des halls", "Jardins partagés"}),
        ("intervenant_gup", set()),
        ("agent_autre_contrat", {"Chantier de Narbonne"}),
    ],
)
def test_each_role_lists_what_it_sees(client, request, chantiers, persona, expected):
    user = request.getfixturevalue(persona)

    assert _intitules(_get(client, user, LIST)) == expected


def test_a_porteur_is_refused(client, chantiers, porteur):
    assert _get(client, porteur, LIST).status_code == 403
    assert _get(client, porteur, BILAN).status_code == 403
    assert _get(client, porteur, CREATE).status_code == 403


# The detail --------------------------------------------------------------------------------


def test_the_detail_shows_counts_and_funders(client, chantiers, lecteur, regie):
    chantier = chantiers["a"]
    FinancementChantier.objects.create(chantier=chantier, financeur=regie, montant=8000)

    response = _get(client, lecteur, reverse("gup:chantier_detail", args=[chantier.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Peinture des halls" in content
    assert "8\u202f000,00\u00a0€" in content
    assert "Modifier le chantier" not in content


@pytest.mark.parametrize("persona", ["agent_autre_contrat", "intervenant_gup"])
def test_a_site_out_of_scope_is_not_found(client, request, chantiers, persona):
    user = request.getfixturevalue(persona)
    chantier = chantiers["a"]

    assert _get(client, user, reverse("gup:chantier_detail", args=[chantier.pk])).status_code == 404
    assert _get(client, user, reverse("gup:chantier_update", args=[chantier.pk])).status_code == 404


# The form ----------------------------------------------------------------------------------


def test_the_coordination_records_a_site_with_its_funders(
    client, chantiers, coordinateur_gup, la_conte, regie, contrat
):
    client.force_login(coordinateur_gup)
    data = _data(la_conte, regie, [(contrat.epci, "15 000,00"), (regie, "2500")])

    response = client.post(CREATE, data)

    chantier = ChantierTremplin.objects.get(intitule="Embellissement des cages d'escalier")
    assert response.status_code == 302
    assert response["Location"] == reverse("gup:chantier_detail", args=[chantier.pk])
    assert (chantier.participants, chantier.femmes, chantier.sorties_emploi) == (10, 4, 3)
    assert sorted(chantier.financements.values_list("montant", flat=True)) == [
        Decimal("2500"),
        Decimal("15000"),
    ]


def test_inconsistent_counts_show_next_to_their_fields_and_nothing_is_written(
    client, chantiers, coordinateur_gup, la_conte, regie, contrat
):
    client.force_login(coordinateur_gup)
    data = _data(
        la_conte, regie, [(contrat.epci, "1000")], femmes=7, residents_qpv=11,
        sorties_emploi=9, date_fin="2026-01-15",
    )  # fmt: skip

    response = client.post(CREATE, data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "femmes": ["Femmes et hommes (13) dépassent le nombre de participants (10)."],
        "residents_qpv": ["Les habitants des QPV ne peuvent dépasser les participants."],
        "sorties_emploi": ["Les sorties (13) dépassent le nombre de participants (10)."],
        "date_fin": ["La fin ne peut précéder le début."],
    }
    content = response.content.decode()
    assert 'id="id_chantier-femmes_error"' in content
    assert "Le chantier n&#x27;est pas enregistré : corrigez les champs signalés." in content
    assert not ChantierTremplin.objects.filter(intitule__startswith="Embellissement").exists()
    assert FinancementChantier.objects.count() == 0


def test_a_diagnostic_of_another_quartier_is_refused(
    client, chantiers, coordinateur_gup, la_conte, viguier, regie
):
    client.force_login(coordinateur_gup)
    diagnostic = DiagnosticFactory(quartier=viguier)

    response = client.post(CREATE, _data(la_conte, regie, diagnostic=diagnostic.pk))

    assert response.context["form"].errors == {
        "diagnostic": ["Ce diagnostic a parcouru un autre quartier."]
    }
    assert not ChantierTremplin.objects.filter(intitule__startswith="Embellissement").exists()


def test_a_negative_amount_is_refused_in_french(
    client, chantiers, coordinateur_gup, la_conte, regie
):
    client.force_login(coordinateur_gup)

    response = client.post(CREATE, _data(la_conte, regie, [(regie, "-5")]))

    assert response.context["formset"].forms[0].errors == {
        "montant": ["Un montant de financement ne peut pas être négatif."]
    }
    assert not ChantierTremplin.objects.filter(intitule__startswith="Embellissement").exists()


def test_the_operator_edits_its_own_site(client, chantiers, intervenant_regie, regie):
    chantier = chantiers["a"]
    client.force_login(intervenant_regie)
    url = reverse("gup:chantier_update", args=[chantier.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, _data(chantier.quartier, regie, [(regie, "3000")]))

    assert response.status_code == 302
    chantier.refresh_from_db()
    assert chantier.intitule == "Embellissement des cages d'escalier"
    assert list(chantier.financements.values_list("montant", flat=True)) == [Decimal("3000")]


def test_the_operator_records_only_its_own_sites(
    client, chantiers, intervenant_regie, la_conte, bailleur
):
    client.force_login(intervenant_regie)

    response = client.post(CREATE, _data(la_conte, bailleur))

    assert response.status_code == 200
    assert "operateur" in response.context["form"].errors
    assert not ChantierTremplin.objects.filter(intitule__startswith="Embellissement").exists()


@pytest.mark.parametrize("persona", ["lecteur", "agent_agglo"])
def test_readers_cannot_edit(client, request, chantiers, persona):
    user = request.getfixturevalue(persona)

    assert _get(client, user, CREATE).status_code == 403
    url = reverse("gup:chantier_update", args=[chantiers["a"].pk])
    assert _get(client, user, url).status_code == 403


# The bilan and its export ------------------------------------------------------------------


def test_the_bilan_page_shows_the_counts_and_totals(client, chantiers, coordinateur_gup):
    response = _get(client, coordinateur_gup, BILAN)

    assert response.status_code == 200
    assert response.context["bilan"]["totaux"] == [3, 30, 13, 17, 24, 9, 6, 3, 3, 4]
    content = response.content.decode()
    assert '<caption id="titre-bilan">Bilan par quartier et par année</caption>' in content


def test_the_bilan_page_takes_a_constant_number_of_queries(
    client, chantiers, coordinateur_gup, la_conte, viguier, regie, django_assert_num_queries
):
    client.force_login(coordinateur_gup)

    def page():
        # session, user, roles, current contract, the filter's years, the counts, the
        # header's contract switcher and organisation, the filter's quartiers
        with django_assert_num_queries(9):
            return len(client.get(BILAN).context["bilan"]["lignes"])

    assert page() == 2
    for annee in (2023, 2024):
        ChantierFactory(quartier=viguier, operateur=regie, annee=annee)
    assert page() == 4


def test_the_excel_export_opens_with_the_same_figures(client, chantiers, coordinateur_gup):
    response = _get(client, coordinateur_gup, EXCEL)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bilan-chantiers-tremplin.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Bilan", "Chantiers"]
    rows = list(workbook["Bilan"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Quartier", "Année", "Chantiers", "Participants")
    assert rows[1] == ("Le Viguier", 2026, 1, 12, 6, 6, 10, 4, 3, 0, 2, 1)
    assert rows[2] == ("La Conte", 2025, 2, 18, 7, 11, 14, 5, 3, 3, 1, 3)
    assert rows[3][0] == "Total"
    assert rows[3][3] == "=SUM(D2:D3)"
    sites = list(workbook["Chantiers"].iter_rows(values_only=True))
    assert len(sites) == 1 + 3 + 1  # header, three sites, totals
    assert {row[0] for row in sites[1:4]} == {
        "Peinture des halls",
        "Jardins partagés",
        "Rénovation des caves",
    }


def test_the_excel_export_follows_the_filters(client, chantiers, coordinateur_gup):
    response = _get(client, coordinateur_gup, EXCEL, annee=2026)

    rows = list(load_workbook(io.BytesIO(response.content))["Bilan"].iter_rows(values_only=True))
    assert rows[1:] == [
        ("Le Viguier", 2026, 1, 12, 6, 6, 10, 4, 3, 0, 2, 1),
        ("Total", None, "=SUM(C2:C2)", *(f"=SUM({c}2:{c}2)" for c in "DEFGHIJKL")),
    ]


def test_a_new_site_starts_with_this_year_and_the_operators_organisation(
    client, chantiers, intervenant_regie, regie
):
    response = _get(client, intervenant_regie, CREATE)

    form = response.context["form"]
    assert form["annee"].value() == datetime.date.today().year
    assert form["operateur"].value() == regie.pk
    assert list(form.fields["operateur"].queryset) == [regie]
