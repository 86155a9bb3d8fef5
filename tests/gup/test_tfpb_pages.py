"""The TFPB pages: what each role sees and may enter, French amounts and errors next to their
field, and locked query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from gup.models import AbattementTFPB, ActionTFPB, ConventionTFPB
from tests.gup import test_tfpb
from tests.gup.factories import ConventionTFPBFactory
from tests.gup.test_tfpb import action, axe

pytestmark = pytest.mark.django_db
# The data of tests/gup/test_tfpb.py (two landlords, two quartiers, two years).
jeu = test_tfpb.jeu
intervenant_alogea = test_tfpb.intervenant_alogea
D = Decimal
NNBSP, NBSP = "\u202f", "\u00a0"


def euros(text):
    """ "1 234,56 €" as the page writes it (narrow no-break spaces, no-break space)."""
    return text.replace(" ", NNBSP).replace(NNBSP + "€", NBSP + "€")


def url(name, *args):
    return reverse(f"gup:{name}", args=args)


# Reading ---------------------------------------------------------------------------------


def test_the_list_shows_each_convention_with_its_figures(client, jeu, coordinateur_gup):
    client.force_login(coordinateur_gup)
    page = client.get(url("tfpb_list")).content.decode()

    assert "Abattement de TFPB — Contrat de ville de Carcassonne Agglo" in page
    assert "La Conte : 300 logements" in page and "Le Viguier : 200 logements" in page
    # Habitat Audois: 33 000 € of abatement, 19 000 € realised (57,6 %).
    assert euros("33 000,00 €") in page and euros("19 000,00 €") in page
    assert f"57,6{NBSP}%" in page
    # Alogéa: 8 000 € of abatement, 7 000 € realised (87,5 %).
    assert f"87,5{NBSP}%" in page
    assert "2024-2030" in page
    assert url("tfpb_convention_create") in page


def test_the_list_reads_in_constant_queries(
    client, jeu, coordinateur_gup, django_assert_num_queries
):
    client.force_login(coordinateur_gup)
    # Session, user, roles, the current contract, the conventions with their sums, their
    # dwellings, the coordination's right to create (its contracts), the switcher's
    # contracts, the user's organisation in the header.
    with django_assert_num_queries(9):
        assert client.get(url("tfpb_list")).status_code == 200
    for _ in range(3):
        ConventionTFPBFactory(contrat=jeu.contrat)
    with django_assert_num_queries(9):
        assert client.get(url("tfpb_list")).status_code == 200


def test_the_convention_page_shows_dwellings_grid_and_actions(client, jeu, lecteur):
    client.force_login(lecteur)
    page = client.get(url("tfpb_convention", jeu.habitat.pk)).content.decode()

    assert "Convention TFPB — Habitat Audois (2024-2030)" in page
    assert "Montant de l'abattement par année et par quartier" in page
    assert euros("12 000,00 €") in page and euros("18 000,00 €") in page
    assert (
        "Axe 3. Sur-entretien" in page and "Axe 7. Animation, lien social, vivre ensemble" in page
    )
    assert "Enlèvement des tags" in page and "non renseigné" in page
    assert "1 action au réalisé non renseigné" in page
    # A reader does not enter anything.
    assert url("tfpb_abattements", jeu.habitat.pk) not in page
    assert url("tfpb_action_edit", jeu.sans_realise.pk) not in page


def test_the_convention_page_reads_in_constant_queries(
    client, jeu, coordinateur_gup, django_assert_num_queries
):
    client.force_login(coordinateur_gup)
    # Session, user, roles, the current contract, the convention, its dwellings, its
    # abatements, its actions, the coordination's right (its contracts), the switcher's
    # contracts, the user's organisation in the header.
    with django_assert_num_queries(11):
        client.get(url("tfpb_convention", jeu.habitat.pk))
    for n in range(4):
        action(jeu.habitat, jeu.viguier, 2026, "8", 100, None, f"Éclairage {n}")
    with django_assert_num_queries(11):
        client.get(url("tfpb_convention", jeu.habitat.pk))


def test_the_bilan_page_shows_the_tables_and_the_chart_data(
    client, jeu, coordinateur_gup, django_assert_num_queries
):
    client.force_login(coordinateur_gup)
    # Session, user, roles, the current contract, the bilan's four, the switcher's contracts,
    # the user's organisation in the header.
    with django_assert_num_queries(10):
        response = client.get(url("tfpb_bilan") + "?annee=2025")
    page = response.content.decode()
    assert "Bilan de l'abattement TFPB 2025" in page
    assert f"55,6{NBSP}%" in page and f"125{NBSP}%" in page  # Habitat Audois, Alogéa
    assert f"68,2{NBSP}%" in page  # the total
    assert euros("22 000,00 €") in page and euros("15 000,00 €") in page
    assert f"46,7{NBSP}%" in page  # axis 3: 7 000 of 15 000 realised
    assert response.context["graphique"] == {
        "labels": ["2024", "2025"],
        "series": [
            {"label": "Abattement", "data": [19000.0, 22000.0]},
            {"label": "Réalisé", "data": [11000.0, 15000.0]},
        ],
    }
    assert 'id="tfpb-graphique"' in page and "Abattement et réalisé par année" in page
    assert url("tfpb_bilan_excel") + "?annee=2025" in page


# Scoping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, list_status, habitat_status, autre_status",
    [
        ("coordinateur_gup", 200, 200, 200),
        ("lecteur", 200, 200, 200),
        ("intervenant_gup", 200, 200, 404),
        ("intervenant_alogea", 200, 404, 200),
        ("agent_autre_contrat", 200, 404, 404),
        ("porteur", 403, 403, 403),
    ],
)
def test_each_role_reaches_its_conventions(
    client, jeu, request, persona, list_status, habitat_status, autre_status
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("tfpb_list")).status_code == list_status
    assert client.get(url("tfpb_convention", jeu.habitat.pk)).status_code == habitat_status
    assert client.get(url("tfpb_convention", jeu.autre.pk)).status_code == autre_status
    assert client.get(url("tfpb_bilan")).status_code == list_status


def test_a_landlord_lists_only_its_own_conventions(client, jeu, intervenant_gup):
    client.force_login(intervenant_gup)
    page = client.get(url("tfpb_list")).content.decode()
    assert "Habitat Audois" in page and "Alogéa" not in page
    assert url("tfpb_convention_create") not in page
    bilan = client.get(url("tfpb_bilan") + "?annee=2025").content.decode()
    assert "Alogéa" not in bilan and euros("18 000,00 €") in bilan


@pytest.mark.parametrize(
    "persona, status",
    [
        ("coordinateur_gup", 200),
        ("intervenant_gup", 200),
        ("intervenant_alogea", 404),
        ("lecteur", 403),
        ("agent_agglo", 403),
        ("agent_autre_contrat", 404),
        ("porteur", 403),
    ],
)
def test_who_opens_the_entry_forms_of_habitat_audois(client, jeu, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("tfpb_abattements", jeu.habitat.pk)).status_code == status
    assert client.get(url("tfpb_action_create", jeu.habitat.pk)).status_code == status
    assert client.get(url("tfpb_action_edit", jeu.sans_realise.pk)).status_code == status


def test_only_the_coordination_opens_the_convention_forms(client, jeu, coordinateur_gup,
                                                          intervenant_gup):  # fmt: skip
    client.force_login(intervenant_gup)
    assert client.get(url("tfpb_convention_create")).status_code == 403
    assert client.get(url("tfpb_convention_edit", jeu.habitat.pk)).status_code == 403
    assert client.get(url("tfpb_patrimoine", jeu.habitat.pk)).status_code == 403
    client.force_login(coordinateur_gup)
    assert client.get(url("tfpb_convention_create")).status_code == 200
    assert client.get(url("tfpb_patrimoine", jeu.habitat.pk)).status_code == 200


# Entering --------------------------------------------------------------------------------


def test_a_landlord_enters_a_years_abatements_in_french(client, jeu, intervenant_gup):
    client.force_login(intervenant_gup)
    form = url("tfpb_abattements", jeu.habitat.pk)
    page = client.get(form + "?annee=2025").content.decode()
    # The year's amounts already entered, written the French way.
    assert f'name="montant_{jeu.conte.pk}" value="12{NBSP}000,00"' in page

    response = client.post(
        form,
        {"annee": "2026", f"montant_{jeu.conte.pk}": "1 234,56",
         f"montant_{jeu.viguier.pk}": f"10{NNBSP}500"},
    )  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == url("tfpb_convention", jeu.habitat.pk) + "#abattements"
    montants = dict(
        AbattementTFPB.objects.filter(convention=jeu.habitat, annee=2026).values_list(
            "quartier__nom", "montant"
        )
    )
    assert montants == {"La Conte": D("1234.56"), "Le Viguier": D("10500")}


def test_errors_show_next_to_their_field_and_nothing_is_written(client, jeu, coordinateur_gup):
    client.force_login(coordinateur_gup)
    response = client.post(
        url("tfpb_abattements", jeu.habitat.pk),
        {"annee": "2031", f"montant_{jeu.conte.pk}": "12,5,0"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"montant_{jeu.conte.pk}"] == [
        "Indiquez un montant en euros, par exemple 1 500 ou 1 500,50."
    ]
    response = client.post(
        url("tfpb_abattements", jeu.habitat.pk), {"annee": "2031", f"montant_{jeu.conte.pk}": "5"}
    )
    assert response.context["form"].errors["annee"] == [
        "L'année doit être comprise dans la période de la convention (2024-2030)."
    ]
    page = response.content.decode()
    assert 'id="id_annee_error"' in page
    assert not AbattementTFPB.objects.filter(annee=2031).exists()


def test_an_action_is_entered_with_a_quartier_of_the_dwellings(client, jeu, intervenant_alogea):
    client.force_login(intervenant_alogea)
    form = url("tfpb_action_create", jeu.autre.pk)
    data = {
        "quartier": str(jeu.viguier.pk), "annee": "2026", "axe": str(axe("4").pk),
        "intitule": "Enlèvement des épaves", "montant_prevu": "2 500", "montant_realise": "",
        "cofinancement": "",
    }  # fmt: skip
    response = client.post(form, data)
    assert response.context["form"].errors["quartier"] == [
        "Choisissez un quartier où la convention compte des logements."
    ]
    assert not ActionTFPB.objects.filter(intitule="Enlèvement des épaves").exists()

    data["quartier"] = str(jeu.conte.pk)
    response = client.post(form, data)
    assert response.status_code == 302
    created = ActionTFPB.objects.get(intitule="Enlèvement des épaves")
    assert (created.montant_prevu, created.montant_realise, created.cofinancement) == (
        D(2500), None, D(0),
    )  # fmt: skip

    data.update(montant_realise="2 480,40", intitule="Enlèvement des épaves (fait)")
    response = client.post(url("tfpb_action_edit", created.pk), data)
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.montant_realise == D("2480.40")


def test_the_coordination_creates_a_convention_and_its_dwellings(client, jeu, coordinateur_gup):
    client.force_login(coordinateur_gup)
    data = {"bailleur": str(jeu.alogea.pk), "annee_debut": "2026", "annee_fin": "2024",
            "date_signature": "2026-03-15", "commentaire": ""}  # fmt: skip
    response = client.post(url("tfpb_convention_create"), data)
    assert response.context["form"].errors["annee_fin"] == [
        "La dernière année ne peut précéder la première."
    ]
    data["annee_fin"] = "2030"
    response = client.post(url("tfpb_convention_create"), data)
    convention = ConventionTFPB.objects.get(bailleur=jeu.alogea, annee_debut=2026)
    assert response["Location"] == url("tfpb_convention", convention.pk)

    response = client.post(
        url("tfpb_patrimoine", convention.pk),
        {f"logements_{jeu.conte.pk}": "120", f"logements_{jeu.viguier.pk}": ""},
    )
    assert response.status_code == 302
    assert list(convention.patrimoine.values_list("quartier__nom", "nb_logements")) == [
        ("La Conte", 120)
    ]


def test_removing_dwellings_with_entries_is_refused_next_to_the_quartier(
    client, jeu, coordinateur_gup
):
    client.force_login(coordinateur_gup)
    response = client.post(
        url("tfpb_patrimoine", jeu.habitat.pk),
        {f"logements_{jeu.conte.pk}": "300", f"logements_{jeu.viguier.pk}": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"logements_{jeu.viguier.pk}"] == [
        "Des abattements ou des actions sont saisis dans ce quartier : indiquez ses logements."
    ]
    assert jeu.habitat.patrimoine.count() == 2


def test_an_action_is_deleted_by_post_only(client, jeu, intervenant_gup):
    client.force_login(intervenant_gup)
    target = url("tfpb_action_delete", jeu.sans_realise.pk)
    assert client.get(target).status_code == 405
    assert client.post(target).status_code == 302
    assert not ActionTFPB.objects.filter(pk=jeu.sans_realise.pk).exists()


def test_anonymous_visitors_are_sent_to_the_login(client, jeu):
    for name, args in [("tfpb_list", []), ("tfpb_convention", [jeu.habitat.pk]),
                       ("tfpb_bilan", []), ("tfpb_bilan_excel", [])]:  # fmt: skip
        response = client.get(url(name, *args))
        assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert client.get("/api/v1/gup/tfpb/conventions/").status_code in (401, 403)


def test_the_workbook_holds_the_figures_of_the_page(client, jeu, intervenant_gup):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(intervenant_gup)
    bilan = client.get(url("tfpb_bilan") + "?annee=2025").context["bilan"]
    response = client.get(url("tfpb_bilan_excel") + "?annee=2025")
    workbook = load_workbook(BytesIO(response.content))

    page_rows = [
        (ligne.libelle, float(ligne.abattement), float(ligne.prevu), float(ligne.realise))
        for ligne in [*bilan.par_bailleur, bilan.total]
    ]
    sheet_rows = [
        row[:4] for row in workbook["Par bailleur"].iter_rows(min_row=2, values_only=True)
    ]
    assert (
        sheet_rows
        == page_rows
        == [
            ("Habitat Audois", 18000, 15000, 10000),
            ("Total", 18000, 15000, 10000),
        ]
    )
