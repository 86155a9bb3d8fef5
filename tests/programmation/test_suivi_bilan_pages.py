"""The pages of the bilan: the porteur's form (draft, deposit refused with every problem next
to its field, then deposited), the bilan filed as staff read it, the porteur's bilans to file,
and the late bilans of the contract for its team."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programmation.enums import EtatAction
from programmation.models import Bilan, Relance
from programmation.services import BILAN_CHAMPS
from tests import factories
from tests.programmation.factories import (
    ActionCompleteFactory,
    AppelFactory,
    mettre_a_l_etat,
    remplir_bilan,
)
from tests.programmation.test_suivi_pages import (  # noqa: F401 (fixtures)
    departement,
    eur,
    page,
    personas,
    rangees,
    refused,
    texte,
)
from tests.programmation.test_views import erreur

# The bilan --------------------------------------------------------------------------------


@pytest.fixture
def attendu(contrat, porteur):
    """Bilan expected by 30/06/2027. Forecast: charges 64 = 8 000 € and 61 = 2 000 €;
    produits 74 = 6 000 € (the agglo) and 70 = 4 000 €. One indicator (target 40), one
    quartier at 100 %."""
    action = ActionCompleteFactory(
        appel__contrat=contrat,
        appel__date_limite_bilan=datetime.date(2027, 6, 30),
        porteur=porteur.organisation,
        intitule="Soutien scolaire à La Conte",
    )
    return mettre_a_l_etat(action, EtatAction.BILAN_ATTENDU)


def bilan_data(action, *, bouton="brouillon", realises=(), justifications=None, **champs):
    """What the porteur types: `realises` in the order 64, 61, 74, 70."""
    lignes = {ligne.compte: ligne for ligne in action.lignes_budget.all()}
    data = dict.fromkeys(BILAN_CHAMPS, "")
    for compte, realise in zip(("64", "61", "74", "70"), realises, strict=False):
        data[f"ligne_{lignes[compte].pk}"] = realise
        data[f"ligne_{lignes[compte].pk}_j"] = (justifications or {}).get(compte, "")
    data[f"quartier_{action.quartiers.get().quartier_id}"] = ""
    data[f"indicateur_{action.indicateurs.get().pk}"] = ""
    data.update(champs)
    data[bouton] = "1"
    return data


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("porteur", 200),
        ("agent_agglo", 403),
        ("lecteur", 403),
        ("outsider", 404),
        ("departement", 404),
        ("anonyme", "login"),
    ],
)
def test_only_the_porteur_fills_in_the_bilan(client, attendu, personas, persona, status):  # noqa: F811
    url = reverse("programmation:bilan_form", args=[attendu.pk])
    assert refused(client, personas(persona), url) == status


def test_the_bilan_cannot_be_edited_once_deposited(client, attendu, porteur):
    mettre_a_l_etat(attendu, EtatAction.BILAN_DEPOSE)
    assert refused(client, porteur, reverse("programmation:bilan_form", args=[attendu.pk])) == 403


def test_a_draft_is_saved_and_the_gaps_are_shown(client, attendu, porteur):
    quartier = attendu.quartiers.get().quartier
    data = bilan_data(
        attendu,
        realises=["9 100", "2000", "6000", "5 100"],
        beneficiaires_total="38",
        femmes="20",
        **{f"quartier_{quartier.pk}": "30"},
    )
    response, _ = page(client, porteur, "bilan_form", attendu.pk, data=data)

    assert response.status_code == 302
    bilan = Bilan.objects.get()
    assert (bilan.beneficiaires_total, bilan.femmes, bilan.hommes, bilan.date_depot) == (
        38,
        20,
        None,
        None,
    )
    assert list(bilan.quartiers.values_list("quartier", "beneficiaires")) == [(quartier.pk, 30)]
    realises = dict(attendu.lignes_budget.values_list("compte", "montant_realise"))
    assert realises == {
        "64": Decimal("9100.00"),
        "61": Decimal("2000.00"),
        "74": Decimal("6000.00"),
        "70": Decimal("5100.00"),
    }
    attendu.refresh_from_db()
    assert attendu.etat == EtatAction.BILAN_ATTENDU

    _, html = page(client, porteur, "bilan_form", attendu.pk)
    text = texte(html)
    assert "Votre bilan est enregistré." in text
    rows = {row.split(" – ")[0].strip(): row for row in rangees(html, 'id="section-budget"')}
    # 64: 9 100 − 8 000 = +1 100, +13,75 % (within 15 %); 70: 5 100 − 4 000 = +1 100, +27,5 %.
    assert f"{eur('8 000,00')} Réalisé" in rows["64"]
    assert f"+{eur('1 100,00')} (+13,75 %) Explication" in rows["64"]
    assert f"+{eur('1 100,00')} (+27,50 %) à expliquer Explication" in rows["70"]
    assert f"{eur('0,00')} (0 %) Explication" in rows["61"]
    assert f"Total des charges {eur('11 100,00')} Total des produits {eur('11 100,00')}" in text


def test_invalid_values_save_nothing(client, attendu, porteur):
    data = bilan_data(attendu, realises=["huit mille"], beneficiaires_total="quarante")
    response, html = page(client, porteur, "bilan_form", attendu.pk, data=data)

    assert response.status_code == 200
    assert "Rien n&#x27;a été enregistré" in html
    assert erreur(html, "id_beneficiaires_total") == "Saisissez un nombre entier."
    ligne = attendu.lignes_budget.get(compte="64")
    assert erreur(html, f"id_ligne_{ligne.pk}") == (
        "Indiquez un montant en euros, par exemple 1 500 ou 1 500,50."
    )
    assert not Bilan.objects.exists()
    assert not attendu.lignes_budget.filter(montant_realise__isnull=False).exists()


def test_the_deposit_lists_every_problem_next_to_its_field_then_succeeds(client, attendu, porteur):
    lignes = {ligne.compte: ligne for ligne in attendu.lignes_budget.all()}
    indicateur = attendu.indicateurs.get()
    # 61 realised 1 500 (−500, −25 %: to explain), 70 realised 3 500 (−500, −12,5 %).
    data = bilan_data(
        attendu,
        bouton="deposer",
        realises=["8000", "1 500", "6000", "3 500"],
        beneficiaires_total="38",
        femmes="20",
        hommes="18",
    )
    response, _ = page(client, porteur, "bilan_form", attendu.pk, data=data)

    assert response.status_code == 302
    assert response["Location"] == reverse("programmation:bilan_form", args=[attendu.pk])
    attendu.refresh_from_db()
    assert attendu.etat == EtatAction.BILAN_ATTENDU
    # The draft is kept.
    assert Bilan.objects.get().beneficiaires_total == 38
    assert attendu.lignes_budget.get(compte="61").montant_realise == Decimal("1500.00")

    response, html = page(client, porteur, "bilan_form", attendu.pk)
    assert "Votre bilan est enregistré, mais il ne peut pas encore être déposé" in texte(html)
    assert erreur(html, "id_resultats") == "Décrivez les résultats obtenus."
    assert erreur(html, f"id_ligne_{lignes['61'].pk}_j") == (
        f"L'écart de la ligne « 61 – Services extérieurs » (-{eur('500,00')}, -25 %) "
        "dépasse 15 % : expliquez-le."
    )
    assert erreur(html, f"id_ligne_{lignes['70'].pk}_j") == ""
    assert erreur(html, f"id_indicateur_{indicateur.pk}") == (
        "Indiquez la valeur atteinte de l'indicateur « Élèves suivis »."
    )
    assert f'aria-describedby="id_ligne_{lignes["61"].pk}_j_error"' in html
    # Shown once: a reload forgets them.
    _, html = page(client, porteur, "bilan_form", attendu.pk)
    assert erreur(html, "id_resultats") == ""

    data = bilan_data(
        attendu,
        bouton="deposer",
        realises=["8000", "1 500", "6000", "3 500"],
        justifications={"61": "Salle prêtée par la mairie."},
        beneficiaires_total="38",
        femmes="20",
        hommes="18",
        resultats="30 élèves ont progressé.",
        **{f"indicateur_{indicateur.pk}": "36"},
    )
    response, _ = page(client, porteur, "bilan_form", attendu.pk, data=data)

    assert response.status_code == 302
    assert response["Location"] == reverse("programmation:action_detail", args=[attendu.pk])
    attendu.refresh_from_db()
    assert attendu.etat == EtatAction.BILAN_DEPOSE
    assert Bilan.objects.get().date_depot is not None
    indicateur.refresh_from_db()
    assert indicateur.realise == 36


def test_the_deposit_button_of_the_action_page_leads_to_the_bilans_errors(client, attendu, porteur):
    response, _ = page(client, porteur, "action_step", attendu.pk, data={"code": "deposer_bilan"})

    assert response["Location"] == reverse("programmation:bilan_form", args=[attendu.pk])
    _, html = page(client, porteur, "bilan_form", attendu.pk)
    # Nothing filled in yet: the whole bilan is missing, and each realised amount.
    assert "Remplissez le bilan de l&#x27;action avant de le déposer." in html
    ligne = attendu.lignes_budget.get(compte="64")
    assert erreur(html, f"id_ligne_{ligne.pk}") == (
        "Indiquez le montant réalisé de la ligne « 64 – Charges de personnel »."
    )


def test_staff_see_the_filed_bilan_with_its_gaps_then_validate_it(
    client, attendu, porteur, agent_agglo
):
    lignes = {ligne.compte: ligne for ligne in attendu.lignes_budget.all()}
    remplir_bilan(attendu, beneficiaires_total=38, femmes=20, hommes=18)
    lignes["61"].montant_realise = Decimal("1500")
    lignes["61"].justification_ecart = "Salle prêtée par la mairie."
    lignes["61"].save()
    lignes["70"].montant_realise = Decimal("3500")
    lignes["70"].save()
    page(client, porteur, "action_step", attendu.pk, data={"code": "deposer_bilan"})
    attendu.refresh_from_db()
    assert attendu.etat == EtatAction.BILAN_DEPOSE

    _, html = page(client, agent_agglo, "action_detail", attendu.pk)
    ecarts = texte(html.split('id="ecarts"')[1].split("</table>")[0])
    assert (
        f"61 – Services extérieurs {eur('2 000,00')} {eur('1 500,00')} -{eur('500,00')} (-25 %) "
        "à expliquer Salle prêtée par la mairie."
    ) in ecarts
    assert f"{eur('4 000,00')} {eur('3 500,00')} -{eur('500,00')} (-12,50 %) —" in ecarts
    assert "Dont femmes 20 Dont hommes 18" in texte(html)
    assert "Valider le bilan et solder" in html
    assert "Demander des compléments au bilan" in html

    page(client, agent_agglo, "action_step", attendu.pk, data={"code": "solder"})
    attendu.refresh_from_db()
    assert attendu.etat == EtatAction.SOLDEE


def test_the_porteur_finds_its_bilans_to_file_on_its_applications(client, attendu, porteur):
    ActionCompleteFactory(appel=attendu.appel, porteur=porteur.organisation, intitule="Autre")
    _, html = page(client, porteur, "action_mine")

    section = texte(html.split('id="bilans-a-rendre-titre"')[1].split("</section>")[0])
    assert "Bilan de « Soutien scolaire à La Conte »" in section
    assert "à déposer au plus tard le 30/06/2027" in section
    assert "Autre" not in section
    assert reverse("programmation:bilan_form", args=[attendu.pk]) in html


# Late bilans ------------------------------------------------------------------------------


@pytest.fixture
def retards(contrat, autre_contrat):
    """Two late bilans of the contract (10 and 40 days past), one due in 5 days, one already
    deposited, one late in another contract."""
    today = timezone.localdate()
    jours = datetime.timedelta

    def action(contrat, intitule, limite, etat=EtatAction.BILAN_ATTENDU, porteur="Asso"):
        appel = AppelFactory(contrat=contrat, date_limite_bilan=today + jours(days=limite))
        action = ActionCompleteFactory(
            appel=appel,
            intitule=intitule,
            porteur=factories.OrganisationFactory(nom=porteur),
        )
        return mettre_a_l_etat(action, etat)

    dix = action(contrat, "Soutien scolaire", -10, porteur="Quartiers Solidaires")
    for days in (10, 3):
        Relance.objects.create(
            action=dix, date=today - jours(days=days), echeance=dix.appel.date_limite_bilan
        )
    quarante = action(contrat, "Jardins partagés", -40, porteur="Les Jardiniers")
    action(contrat, "Pas encore dû", 5)
    action(contrat, "Déjà déposé", -10, etat=EtatAction.BILAN_DEPOSE)
    action(autre_contrat, "Bilan de Narbonne", -10)
    return {"dix": dix, "quarante": quarante, "today": today}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent_agglo", 200),
        ("porteur", 403),
        ("partenaire_etat", 403),
        ("lecteur", 403),
        ("anonyme", "login"),
    ],
)
def test_the_late_bilans_are_for_the_contracts_team(client, db, personas, persona, status):  # noqa: F811
    url = reverse("programmation:bilans_en_retard")
    assert refused(client, personas(persona), url) == status


def test_it_lists_the_late_bilans_of_the_current_contract(client, retards, agent_agglo):
    response, html = page(client, agent_agglo, "bilans_en_retard")

    today = retards["today"]
    rows = rangees(html, 'id="bilans-en-retard"')
    il_y_a = {days: f"{today - datetime.timedelta(days=days):%d/%m/%Y}" for days in (3, 10, 40)}
    quarante, dix = retards["quarante"].appel, retards["dix"].appel
    # The oldest deadline first; the last of the two reminders (10 and 3 days ago).
    assert rows == [
        f"Jardins partagés Les Jardiniers {quarante.titre} (2026) {il_y_a[40]} 40 aucune",
        f"Soutien scolaire Quartiers Solidaires {dix.titre} (2026) {il_y_a[10]} 10 {il_y_a[3]}",
    ]
    assert "2 bilans en retard" in html


def test_it_locks_the_query_count_of_the_late_bilans(
    client, retards, agent_agglo, contrat, django_assert_num_queries
):
    client.force_login(agent_agglo)
    url = reverse("programmation:bilans_en_retard")
    # 1 session, 2 user, 3 user's roles, 4 current contract, 5 late actions + call + porteur
    # + last reminder, 6 contracts of the switcher, 7 user's organisation (header).
    with django_assert_num_queries(7):
        client.get(url)

    for n in range(3):
        late = ActionCompleteFactory(appel=retards["dix"].appel, intitule=f"Encore en retard {n}")
        mettre_a_l_etat(late, EtatAction.BILAN_ATTENDU)
        Relance.objects.create(
            action=late, date=retards["today"], echeance=late.appel.date_limite_bilan
        )
    with django_assert_num_queries(7):
        response = client.get(url)
    assert "5 bilans en retard" in response.content.decode()


def test_the_menu_leads_the_team_to_the_late_bilans(client, agent_agglo, porteur):
    url = reverse("programmation:bilans_en_retard")
    client.force_login(agent_agglo)
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()
    client.force_login(porteur)
    assert f'href="{url}"' not in client.get(reverse("home")).content.decode()
