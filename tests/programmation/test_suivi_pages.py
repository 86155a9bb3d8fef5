"""The pages of the follow-up after the committee: conventions (printable) and payments (the
bilan's pages are in test_suivi_bilan_pages.py). Each persona sees and does what the scopes and
perms allow; refusals come back in French next to their field, and nothing changes."""

import datetime
import html as htmllib
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cdv.enums import RoleCode
from programmation.enums import EtatAction, KindVersement
from programmation.models import Action, Convention, MontantAnnuel, Versement
from tests import factories
from tests.programmation.factories import (
    ActionCompleteFactory,
    AppelFactory,
    ConventionFactory,
    VersementFactory,
    mettre_a_l_etat,
    solliciter,
)
from tests.programmation.test_views import erreur

NNBSP, NBSP = "\u202f", "\u00a0"


def eur(text):
    """ "5 000,00" → the way cdv.formats.montant prints it: "5 000,00 €" with narrow spaces."""
    return text.replace(" ", NNBSP) + f"{NBSP}€"


def texte(html):
    """The page's text, tags dropped, entities decoded, spaces collapsed (but not the
    no-break ones of amounts)."""
    return re.sub(r"[ \n\t]+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", html)))


def rangees(html, marker):
    """The text of each row of the body of the first table after `marker`."""
    body = html.split(marker)[1].split("<tbody>")[1].split("</tbody>")[0]
    return [texte(row).strip() for row in body.split("</tr>")[:-1]]


def page(client, user, name, *args, data=None):
    client.force_login(user)
    url = reverse(f"programmation:{name}", args=args)
    response = client.post(url, data) if data is not None else client.get(url)
    return response, response.content.decode()


def refused(client, user, url):
    """The status a persona gets on `url`: 302 to the login page when anonymous."""
    if user is None:
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]
        return "login"
    client.force_login(user)
    return client.get(url).status_code


@pytest.fixture
def departement(contrat):
    """Instructor of a funder of the contract that this action did not solicit."""
    return factories.UserFactory(
        email="instructeur@aude.fr",
        organisation=factories.OrganisationFactory(nom="Département de l'Aude", rna=""),
        roles=[RoleCode.INSTRUCTEUR_FINANCEUR],
        contrats=[contrat],
    )


@pytest.fixture
def personas(request):
    def get(name):
        return None if name == "anonyme" else request.getfixturevalue(name)

    return get


@pytest.fixture
def action(contrat, porteur, partenaire_etat):
    """Programmed on the 2026 call: the agglo was asked 6 000 € and granted 5 000 €, the État
    (the partner's préfecture) asked 3 000 € and granted 2 500 €."""
    appel = AppelFactory(contrat=contrat, annee=2026, titre="Appel à projets 2026")
    action = ActionCompleteFactory(
        appel=appel, porteur=porteur.organisation, intitule="Soutien scolaire à La Conte"
    )
    solliciter(action, partenaire_etat.organisation, "3000")
    action.financements.filter(financeur=contrat.epci).update(montant_accorde=Decimal("5000"))
    action.financements.filter(financeur=partenaire_etat.organisation).update(
        montant_accorde=Decimal("2500")
    )
    return mettre_a_l_etat(action, EtatAction.PROGRAMMEE)


@pytest.fixture
def conventions(action, contrat, partenaire_etat, agent_agglo):
    """Both funders signed (yearly conventions): the action is conventionnée."""
    agglo = ConventionFactory(
        action=action, financeur=contrat.epci, montant=Decimal("5000"), auteur=agent_agglo
    )
    etat = ConventionFactory(
        action=action,
        financeur=partenaire_etat.organisation,
        montant=Decimal("2500"),
        auteur=agent_agglo,
    )
    mettre_a_l_etat(action, EtatAction.CONVENTIONNEE)
    return {"agglo": agglo, "etat": etat}


# Conventions ------------------------------------------------------------------------------


def convention_data(financeur, **champs):
    return {
        "financeur": str(financeur.pk),
        "date_signature": "15/05/2026",
        "numero": "2026-CV-014",
        "duree": "1",
        **champs,
    }


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent_agglo", 200),
        ("porteur", 403),
        ("partenaire_etat", 403),
        ("lecteur", 403),
        ("outsider", 404),
        ("departement", 404),
        ("agent_autre_contrat", 404),
        ("anonyme", "login"),
    ],
)
def test_only_the_contracts_team_opens_the_convention_form(
    client, action, personas, persona, status
):
    url = reverse("programmation:convention_create", args=[action.pk])
    assert refused(client, personas(persona), url) == status


def test_it_offers_each_funder_that_granted_an_amount(client, action, agent_agglo, contrat):
    response, html = page(client, agent_agglo, "convention_create", action.pk)

    assert response.status_code == 200
    text = texte(html)
    assert f"{contrat.epci.nom} — {eur('5 000,00')} accordés" in text
    assert f"Préfecture de l'Aude — {eur('2 500,00')} accordés" in text
    assert "2 ans : CPO 2026–2027" in text
    assert "4 ans : CPO 2026–2029" in text


def test_two_yearly_conventions_make_the_action_conventionnee(
    client, action, agent_agglo, contrat, partenaire_etat
):
    response, _ = page(
        client, agent_agglo, "convention_create", action.pk, data=convention_data(contrat.epci)
    )

    agglo = Convention.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("programmation:convention_detail", args=[agglo.pk])
    assert (agglo.montant, agglo.numero, agglo.date_signature, agglo.pluriannuelle) == (
        Decimal("5000.00"),
        "2026-CV-014",
        datetime.date(2026, 5, 15),
        False,
    )
    action.refresh_from_db()
    assert action.etat == EtatAction.PROGRAMMEE

    # The agglo signed: only the État is left to choose.
    _, html = page(client, agent_agglo, "convention_create", action.pk)
    choix = html.split('id="id_financeur"')[1].split("</select>")[0]
    assert contrat.epci.nom not in choix
    assert "Préfecture de l&#x27;Aude" in choix
    page(
        client,
        agent_agglo,
        "convention_create",
        action.pk,
        data=convention_data(partenaire_etat.organisation, numero=""),
    )
    action.refresh_from_db()
    assert action.etat == EtatAction.CONVENTIONNEE

    _, html = page(client, agent_agglo, "action_detail", action.pk)
    conventions = texte(html.split('id="conventions"')[1].split("</table>")[0])
    assert f"{contrat.epci.nom} 2026-CV-014 15/05/2026 annuelle {eur('5 000,00')}" in conventions
    assert f"Préfecture de l'Aude — 15/05/2026 annuelle {eur('2 500,00')}" in conventions


def test_a_cpo_over_three_years_prints_each_years_amount(client, action, agent_agglo, contrat):
    data = convention_data(contrat.epci, duree="3", montant_2027="5 500", montant_2028="6000,00")
    response, _ = page(client, agent_agglo, "convention_create", action.pk, data=data)

    convention = Convention.objects.get()
    assert (convention.pluriannuelle, convention.annee_fin) == (True, 2028)
    assert list(convention.montants_annuels.values_list("annee", "montant")) == [
        (2026, Decimal("5000.00")),
        (2027, Decimal("5500.00")),
        (2028, Decimal("6000.00")),
    ]
    # The following years' renewals are prepared for the porteur.
    assert action.reconductions.count() == 2

    _, html = page(client, agent_agglo, "convention_detail", convention.pk)
    montants = texte(html.split('id="montants-annuels"')[1].split("</table>")[0])
    # 5 000 + 5 500 + 6 000 = 16 500.
    assert (
        f"2026 {eur('5 000,00')} 2027 {eur('5 500,00')} 2028 {eur('6 000,00')} "
        f"Total de la convention {eur('16 500,00')}"
    ) in montants
    assert "Convention pluriannuelle d'objectifs n° 2026-CV-014" in texte(html)


def test_a_cpo_with_a_missing_year_is_refused_next_to_the_years(
    client, action, agent_agglo, contrat
):
    data = convention_data(contrat.epci, duree="3", montant_2027="5 500")
    response, html = page(client, agent_agglo, "convention_create", action.pk, data=data)

    assert response.status_code == 200
    assert erreur(html, "annees") == "Indiquez un montant positif pour l'année 2028."
    assert 'aria-describedby="annees_error"' in html
    assert "La convention n&#x27;est pas enregistrée" in html
    assert not Convention.objects.exists()
    assert not MontantAnnuel.objects.exists()
    assert not action.reconductions.exists()


def test_the_form_says_what_is_missing_next_to_each_field(client, action, agent_agglo):
    response, html = page(client, agent_agglo, "convention_create", action.pk, data={"duree": "1"})

    assert response.status_code == 200
    assert erreur(html, "id_financeur") == "Choisissez le financeur signataire."
    assert erreur(html, "id_date_signature") == "Indiquez la date de signature de la convention."
    assert 'aria-describedby="id_date_signature_error"' in html
    assert not Convention.objects.exists()


def test_a_funder_that_granted_nothing_cannot_be_chosen(client, action, agent_agglo, departement):
    data = convention_data(departement.organisation)
    response, html = page(client, agent_agglo, "convention_create", action.pk, data=data)

    assert "Sélectionnez un choix valide" in erreur(html, "id_financeur")
    assert not Convention.objects.exists()


# The printable convention -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "agglo", "etat"),
    [
        ("agent_agglo", 200, 200),
        ("porteur", 200, 200),
        ("partenaire_etat", 403, 200),  # the État reads its own convention only
        ("lecteur", 403, 403),
        ("outsider", 404, 404),
        ("departement", 404, 404),
        ("agent_autre_contrat", 404, 404),
        ("anonyme", "login", "login"),
    ],
)
def test_a_convention_is_read_by_the_porteur_the_team_and_its_funder(
    client, conventions, personas, persona, agglo, etat
):
    user = personas(persona)
    for key, status in (("agglo", agglo), ("etat", etat)):
        url = reverse("programmation:convention_detail", args=[conventions[key].pk])
        assert refused(client, user, url) == status, key


def test_the_printed_convention_shows_parties_amounts_payments_and_signatures(
    client, action, conventions, porteur, contrat
):
    agglo = conventions["agglo"]
    VersementFactory(
        convention=agglo, montant=Decimal("1500"), date=datetime.date(2026, 6, 1), reference="A1"
    )
    VersementFactory(
        convention=agglo,
        kind=KindVersement.ACOMPTE,
        montant=Decimal("2000"),
        date=datetime.date(2026, 9, 15),
    )
    response, html = page(client, porteur, "convention_detail", agglo.pk)

    assert response.status_code == 200
    text = texte(html)
    assert f"{contrat.epci.nom}, le financeur" in text
    assert "Association Quartiers Solidaires, le porteur de l'action" in text
    assert "« Soutien scolaire à La Conte »" in text
    assert f"2026 {eur('5 000,00')}" in texte(html.split('id="montants-annuels"')[1])
    echeancier = texte(html.split('id="echeancier"')[1].split("</table>")[0])
    # Paid 1 500 + 2 000 = 3 500 of 5 000: 1 500 left.
    assert f"01/06/2026 Avance A1 {eur('1 500,00')}" in echeancier
    assert f"15/09/2026 Acompte — {eur('2 000,00')}" in echeancier
    assert f"Total versé {eur('3 500,00')} Reste à verser {eur('1 500,00')}" in echeancier
    assert "à déposer au plus tard le 30/06/2027" in text
    assert f"Pour {contrat.epci.nom}" in text
    assert "Pour Association Quartiers Solidaires" in text
    # Printed from the browser: a print stylesheet, a button shown by its script.
    assert "css/convention.css" in html and "js/convention.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    # Only the team records payments.
    assert reverse("programmation:versement_create", args=[agglo.pk]) not in html


# Payments ---------------------------------------------------------------------------------


def versement_data(**champs):
    return {
        "kind": "avance",
        "montant": "2 000",
        "date": "01/06/2026",
        "reference": "MDT-1",
        **champs,
    }


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agent_agglo", 200),
        ("porteur", 403),
        ("partenaire_etat", 403),
        ("lecteur", 403),
        ("outsider", 404),
        ("departement", 404),
        ("agent_autre_contrat", 404),
        ("anonyme", "login"),
    ],
)
def test_only_the_contracts_team_records_payments(client, conventions, personas, persona, status):
    url = reverse("programmation:versement_create", args=[conventions["agglo"].pk])
    assert refused(client, personas(persona), url) == status


def test_an_advance_is_recorded_and_the_action_page_shows_what_remains(
    client, action, conventions, agent_agglo, contrat
):
    agglo = conventions["agglo"]
    response, _ = page(client, agent_agglo, "versement_create", agglo.pk, data=versement_data())

    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("programmation:action_detail", args=[action.pk]) + "#suivi-titre"
    )
    versement = Versement.objects.get()
    assert (versement.kind, versement.montant, versement.date, versement.reference) == (
        KindVersement.AVANCE,
        Decimal("2000.00"),
        datetime.date(2026, 6, 1),
        "MDT-1",
    )

    _, html = page(client, agent_agglo, "action_detail", action.pk)
    montants = texte(html.split('id="montants-verses"')[1].split("</table>")[0])
    # The agglo: 5 000 granted, 2 000 paid, 3 000 left; the État: nothing paid yet.
    assert f"{contrat.epci.nom} {eur('5 000,00')} {eur('2 000,00')} {eur('3 000,00')}" in montants
    assert f"Préfecture de l'Aude {eur('2 500,00')} {eur('0,00')} {eur('2 500,00')}" in montants
    assert "Avance MDT-1" in texte(html)


def test_a_payment_beyond_the_convention_is_refused_next_to_the_amount(
    client, conventions, agent_agglo
):
    agglo = conventions["agglo"]
    VersementFactory(convention=agglo, montant=Decimal("4000"))
    data = versement_data(kind="solde", montant="1 500")
    response, html = page(client, agent_agglo, "versement_create", agglo.pk, data=data)

    assert response.status_code == 200
    # 4 000 + 1 500 = 5 500 > 5 000: 1 000 left.
    assert erreur(html, "id_montant") == (
        f"Ce versement de {eur('1 500,00')} porterait le total versé à {eur('5 500,00')}, "
        f"au-delà du montant de la convention ({eur('5 000,00')}) : il reste "
        f"{eur('1 000,00')} à verser."
    )
    assert 'aria-describedby="id_montant_helptext id_montant_error"' in html
    assert Versement.objects.count() == 1


def test_the_payment_form_says_what_is_missing(client, conventions, agent_agglo):
    response, html = page(
        client, agent_agglo, "versement_create", conventions["etat"].pk, data={"montant": "-5"}
    )

    assert erreur(html, "id_kind") == "Choisissez la nature du versement."
    assert erreur(html, "id_montant") == "Un montant ne peut être négatif."
    assert erreur(html, "id_date") == "Indiquez la date du versement."
    assert not Versement.objects.exists()


def test_no_action_changes_when_a_page_is_refused(client, action, porteur, contrat):
    page(client, porteur, "convention_create", action.pk, data=convention_data(contrat.epci))
    assert not Convention.objects.exists()
    assert Action.objects.get().etat == EtatAction.PROGRAMMEE
