"""After the committee, in Chromium: the agglo's team signs the convention of a programmed
action and pays an advance, the porteur files the bilan (refused once, then deposited), the
team pays the balance and validates the bilan. axe-core checks the printable convention,
the payment form, the bilan form (empty and with errors) and the action page."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cdv.enums import RoleCode
from programmation.enums import EtatAction
from programmation.models import Action, Versement
from tests import factories
from tests.cdv.test_accessibility import (  # noqa: F401 (fixtures)
    assert_no_axe_violations,
    browser,
    log_in,
    page,
)
from tests.programmation.factories import ActionCompleteFactory, AppelFactory, mettre_a_l_etat

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def acteurs(db):
    """A programmed action: the agglo was asked 6 000 € and granted 5 000 €. Forecast budget:
    charges 64 = 8 000 €, 61 = 2 000 €; produits 74 = 6 000 € (the agglo), 70 = 4 000 €."""
    contrat = factories.ContratFactory(nom="Contrat de ville de Carcassonne Agglo")
    porteur = factories.UserFactory(
        email="presidente@asso.fr",
        organisation=factories.OrganisationFactory(nom="Association Quartiers Solidaires"),
        roles=[RoleCode.PORTEUR],
    )
    agent = factories.UserFactory(
        email="agent@agglo.fr",
        organisation=contrat.epci,
        roles=[RoleCode.ADMIN_PDV],
        contrats=[contrat],
    )
    appel = AppelFactory(contrat=contrat, titre="Appel à projets 2026", annee=2026)
    action = ActionCompleteFactory(
        appel=appel, porteur=porteur.organisation, intitule="Soutien scolaire à La Conte"
    )
    action.financements.update(montant_accorde=Decimal("5000"))
    mettre_a_l_etat(action, EtatAction.PROGRAMMEE)
    return {"contrat": contrat, "porteur": porteur, "agent": agent, "action": action}


def test_from_the_convention_to_the_validated_bilan(page, acteurs):  # noqa: F811
    contrat, action = acteurs["contrat"], acteurs["action"]
    agglo = contrat.epci.nom
    etat = page.locator("#etat")

    # The team signs the convention and pays an advance.
    log_in(page, acteurs["agent"])
    page.goto(f"/programmation/actions/{action.pk}/")
    page.get_by_role("link", name="Enregistrer une convention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle convention")
    assert_no_axe_violations(page)
    page.get_by_label("Financeur").select_option(label=f"{agglo} — 5\u202f000,00\u00a0€ accordés")
    page.get_by_label("Date de signature").fill("2026-05-15")
    page.get_by_label("Numéro de la convention").fill("2026-CV-014")
    page.get_by_role("button", name="Enregistrer la convention").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Convention de financement n° 2026-CV-014"
    )
    expect(page.get_by_role("button", name="Imprimer la convention")).to_be_visible()
    expect(page.locator("#montants-annuels")).to_contain_text("5\u202f000,00\u00a0€")
    assert_no_axe_violations(page)
    # On paper, only the document: no header, menu nor buttons.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Imprimer la convention")).to_be_hidden()
    expect(page.get_by_role("heading", name="Signatures")).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Enregistrer un versement").click()
    assert_no_axe_violations(page)
    page.get_by_label("Avance").check()
    page.get_by_label("Montant (obligatoire)").fill("2 000")
    page.get_by_label("Date du versement").fill("2026-06-01")
    page.get_by_label("Référence").fill("MDT-2026-118")
    page.get_by_role("button", name="Enregistrer le versement").click()
    expect(etat).to_have_text("Conventionnée")
    montants = page.locator("#montants-verses")
    expect(montants).to_contain_text("2\u202f000,00\u00a0€")  # paid
    expect(montants).to_contain_text("3\u202f000,00\u00a0€")  # 5 000 − 2 000 left
    page.get_by_role("button", name="Attendre le bilan").click()
    expect(etat).to_have_text("Bilan attendu")
    page.get_by_role("button", name="Se déconnecter").click()

    # The porteur files the bilan: the unexplained gap of the subsidy line is refused first.
    log_in(page, acteurs["porteur"])
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes demandes"
    ).click()
    page.get_by_role("link", name="Bilan de « Soutien scolaire à La Conte »").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bilan de l'action « Soutien scolaire à La Conte »"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Nombre total de bénéficiaires").fill("38")
    page.get_by_label("Dont femmes").fill("20")
    page.get_by_label("Dont hommes").fill("18")
    # 64: 7 500 (−6,25 %), 61: 2 000, 74: 5 000 (−16,67 %: to explain), 70: 4 500 (+12,5 %).
    for compte, libelle, realise in [
        ("64", "Charges de personnel", "7 500"),
        ("61", "Services extérieurs", "2 000"),
        ("74", "Subventions d'exploitation", "5 000"),
        ("70", "Ventes de produits finis, prestations de services", "4 500"),
    ]:
        page.get_by_label(f"Réalisé : {compte} – {libelle}").fill(realise)
    page.get_by_label("Valeur atteinte : Élèves suivis").fill("36")
    page.get_by_label("Résultats obtenus").fill("30 élèves ont progressé en français.")
    page.get_by_role("button", name="Déposer le bilan").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("ne peut pas encore être déposé")
    expect(summary).to_contain_text("L'écart de la ligne « 74 – Subventions d'exploitation »")
    explication = page.get_by_label("Explication de l'écart : 74 – Subventions d'exploitation")
    expect(explication).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Nombre total de bénéficiaires")).to_have_value("38")
    assert_no_axe_violations(page)
    explication.fill("La subvention accordée est de 5 000 € au lieu des 6 000 € demandés.")
    page.get_by_role("button", name="Déposer le bilan").click()
    expect(page.get_by_text("Votre bilan est déposé")).to_be_visible()
    expect(etat).to_have_text("Bilan déposé")
    page.get_by_role("button", name="Se déconnecter").click()

    # The team reads the gaps, pays the balance and validates the bilan.
    log_in(page, acteurs["agent"])
    page.goto(f"/programmation/actions/{action.pk}/")
    expect(page.locator("#ecarts")).to_contain_text("La subvention accordée est de 5 000 €")
    page.get_by_role("link", name=f"Enregistrer un versement de {agglo}").click()
    page.get_by_label("Solde").check()
    page.get_by_label("Montant (obligatoire)").fill("3 000")
    page.get_by_label("Date du versement").fill("2026-12-10")
    page.get_by_role("button", name="Enregistrer le versement").click()
    expect(page.locator("#montants-verses")).to_contain_text("0,00\u00a0€")
    page.get_by_role("button", name="Valider le bilan et solder").click()
    expect(etat).to_have_text("Bilan validé, soldée")
    assert_no_axe_violations(page)

    action = Action.objects.get()
    assert action.etat == EtatAction.SOLDEE
    assert list(Versement.objects.values_list("kind", "montant")) == [
        ("avance", Decimal("2000.00")),
        ("solde", Decimal("3000.00")),
    ]
