"""The funders' opinions, instruction in batches, the programming committee and its pack.

The cast: the agglo's agent (admin PDV, whose EPCI every complete application solicits for
6 000 €), the État's instructor (solicited on some actions), the porteur, partners."""

import html as htmllib
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cdv.enums import RoleCode
from cdv.excel import EURO
from programmation.enums import EtatAction
from programmation.models import Avis, Financement, TransitionAction
from tests import factories
from tests.programmation.factories import (
    ActionCompleteFactory,
    AppelFactory,
    mettre_a_l_etat,
    solliciter,
)
from tests.programmation.test_views import _FormReader

E = EtatAction


@pytest.fixture
def appel(contrat):
    return AppelFactory(contrat=contrat, titre="Appel à projets 2026", annee=2026)


@pytest.fixture
def prefecture(partenaire_etat):
    return partenaire_etat.organisation


def en_avis(appel, porteur_org=None, *, etat_montant=None, prefecture=None, **kwargs):
    """A complete application awaiting the funders' opinions: 6 000 € asked of the EPCI,
    and `etat_montant` of the État if given."""
    if porteur_org is not None:
        kwargs["porteur"] = porteur_org
    action = ActionCompleteFactory(appel=appel, **kwargs)
    if etat_montant is not None:
        solliciter(action, prefecture, etat_montant)
    return mettre_a_l_etat(action, E.AVIS_FINANCEURS)


def url(name, *args):
    return reverse(f"programmation:{name}", args=args)


def page(client, user, name, *args, **params):
    client.force_login(user)
    response = client.get(url(name, *args), params)
    return response, response.content.decode()


def texte(fragment):
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def erreur(html, field_id):
    """The error shown next to a field (the element its aria-describedby names)."""
    match = re.search(rf'<div class="error" id="{field_id}_error">(.*?)</div>', html, re.S)
    return texte(match.group(1)) if match else ""


class _Reader(_FormReader):
    """The page's form as a browser sends it, radio buttons included (the checked one)."""

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "input" and values.get("type") == "radio":
            self.data.setdefault(values["name"], "")
            if "checked" in values:
                self.data[values["name"]] = values.get("value", "on")
            return
        super().handle_starttag(tag, attrs)


def form_data(html, form_id):
    reader = _Reader()
    reader.feed(html.split(f'id="{form_id}"')[1].split("</form>")[0])
    return reader.data


def financement(action, financeur):
    return Financement.objects.get(action=action, financeur=financeur)


# The opinion of a solicited funder -----------------------------------------------------------


def test_it_records_an_opinion_then_revises_it(client, partenaire_etat, prefecture, porteur, appel):
    action = en_avis(appel, porteur.organisation, etat_montant="4000", prefecture=prefecture)
    _, html = page(client, partenaire_etat, "action_detail", action.pk)
    assert "Donner ou modifier mon avis" in html
    response, html = page(client, partenaire_etat, "avis_form", action.pk)
    assert response.status_code == 200
    assert "4\u202f000,00\u00a0€" in html  # what was asked of the État

    response = client.post(
        url("avis_form", action.pk),
        {
            "sens": "favorable",
            "montant_propose": "3 500,50",
            "commentaire": "Action utile au quartier.",
            "annotation_privee": "Trésorerie fragile.",
        },
        follow=True,
    )
    assert "L&#x27;avis de votre organisation est enregistré." in response.content.decode()
    avis = Avis.objects.get(action=action)
    assert (avis.financeur, avis.auteur, avis.sens) == (prefecture, partenaire_etat, "favorable")
    assert avis.montant_propose == Decimal("3500.50")
    assert avis.annotation_privee == "Trésorerie fragile."
    assert financement(action, prefecture).montant_propose == Decimal("3500.50")

    # The form comes back with the opinion given, to revise it.
    _, html = page(client, partenaire_etat, "avis_form", action.pk)
    data = form_data(html, "avis-form")
    assert data["commentaire"] == "Action utile au quartier."
    assert re.search(r'value="favorable"[^>]*checked', html)
    data.update(sens="reserve", montant_propose="3000")
    response = client.post(url("avis_form", action.pk), data, follow=True)
    assert "L&#x27;avis de votre organisation est modifié." in response.content.decode()
    avis = Avis.objects.get(action=action)
    assert (avis.sens, avis.montant_propose) == ("reserve", Decimal("3000"))
    assert avis.annotation_privee == "Trésorerie fragile."
    assert financement(action, prefecture).montant_propose == Decimal("3000")


def test_it_refuses_bad_input_in_french_next_to_the_fields(
    client, partenaire_etat, prefecture, appel
):
    action = en_avis(appel, etat_montant="4000", prefecture=prefecture)
    client.force_login(partenaire_etat)
    response = client.post(url("avis_form", action.pk), {"montant_propose": "-5"})
    html = response.content.decode()
    assert response.status_code == 200
    assert erreur(html, "id_sens") == "Choisissez un avis : favorable, réservé ou défavorable."
    assert erreur(html, "id_montant_propose") == "Un montant ne peut être négatif."
    assert 'class="error-summary"' in html
    assert "Votre avis n&#x27;est pas enregistré" in html

    response = client.post(
        url("avis_form", action.pk), {"sens": "favorable", "montant_propose": "beaucoup"}
    )
    assert erreur(response.content.decode(), "id_montant_propose") == (
        "Indiquez un montant en euros, par exemple 1 500 ou 1 500,50."
    )
    assert not Avis.objects.exists()


def test_it_refuses_the_opinion_to_whoever_is_not_a_solicited_funder_in_that_phase(
    client, contrat, partenaire_etat, prefecture, agent_agglo, porteur, appel
):
    action = en_avis(appel, porteur.organisation, etat_montant="4000", prefecture=prefecture)
    avis = {"sens": "favorable", "montant_propose": "100"}
    # The porteur sees its action, not the form; neither does the agglo's agent, who is no
    # instructor of a funder.
    for user in (porteur, agent_agglo):
        client.force_login(user)
        assert client.get(url("avis_form", action.pk)).status_code == 403
        assert client.post(url("avis_form", action.pk), avis).status_code == 403
        assert (
            "Donner ou modifier mon avis" not in page(client, user, "action_detail", action.pk)[1]
        )
    # An instructor of a funder not solicited on the action does not even see it.
    caf = factories.UserFactory(
        organisation=factories.OrganisationFactory(nom="CAF de l'Aude"),
        roles=[RoleCode.INSTRUCTEUR_FINANCEUR],
        contrats=[contrat],
    )
    client.force_login(caf)
    assert client.post(url("avis_form", action.pk), avis).status_code == 404
    # Outside the funders' opinions phase, the solicited funder is refused too.
    for etat in (E.EN_INSTRUCTION, E.PROGRAMMEE):
        mettre_a_l_etat(action, etat)
        client.force_login(partenaire_etat)
        assert client.get(url("avis_form", action.pk)).status_code == 403
        assert client.post(url("avis_form", action.pk), avis).status_code == 403
        _, html = page(client, partenaire_etat, "action_detail", action.pk)
        assert "Donner ou modifier mon avis" not in html
    assert not Avis.objects.exists()


def test_it_never_shows_the_private_annotation_to_the_porteur(
    client, partenaire_etat, prefecture, agent_agglo, porteur, appel
):
    action = en_avis(appel, porteur.organisation, etat_montant="4000", prefecture=prefecture)
    client.force_login(partenaire_etat)
    client.post(
        url("avis_form", action.pk),
        {
            "sens": "reserve",
            "montant_propose": "2000",
            "commentaire": "Préciser le public.",
            "annotation_privee": "Gouvernance de l'association à surveiller.",
        },
    )
    for user, voit in [(agent_agglo, True), (partenaire_etat, True), (porteur, False)]:
        _, html = page(client, user, "action_detail", action.pk)
        assert "Préciser le public." in html
        assert ("Gouvernance de l&#x27;association à surveiller." in html) is voit, user.email
    # Nor in the committee pack.
    _, html = page(client, agent_agglo, "comite_dossier", appel.pk)
    assert "à surveiller" not in html


def test_it_lists_the_actions_awaiting_the_funder_opinion(
    client, contrat, autre_contrat, partenaire_etat, prefecture, appel, django_assert_num_queries
):
    attend = en_avis(
        appel, intitule="Attend notre avis", etat_montant="1000", prefecture=prefecture
    )
    rendu = en_avis(appel, intitule="Avis déjà rendu", etat_montant="1000", prefecture=prefecture)
    Avis.objects.create(
        action=rendu, financeur=prefecture, auteur=partenaire_etat, sens="favorable"
    )
    en_avis(appel, intitule="Sans l'État")
    instruite = ActionCompleteFactory(appel=appel, intitule="Encore en instruction")
    solliciter(instruite, prefecture, "1000")
    mettre_a_l_etat(instruite, E.EN_INSTRUCTION)
    ailleurs = en_avis(
        AppelFactory(contrat=autre_contrat),
        intitule="Autre contrat",
        etat_montant="1000",
        prefecture=prefecture,
    )
    assert ailleurs

    client.force_login(partenaire_etat)
    # 1 session, 2 user, 3 user's roles, 4 current contract, 5 the actions + call + contract +
    # porteur + pillar + amount requested, 6 contracts of the switcher, 7 user's organisation.
    with django_assert_num_queries(7):
        response = client.get(url("avis_a_donner"))
    html = response.content.decode()
    assert "Attend notre avis" in html
    for absente in (
        "Avis déjà rendu",
        "Sans l&#x27;État",
        "Encore en instruction",
        "Autre contrat",
    ):
        assert absente not in html
    assert url("avis_form", attend.pk) in html

    for _ in range(4):
        en_avis(appel, etat_montant="500", prefecture=prefecture)
    with django_assert_num_queries(7):
        response = client.get(url("avis_a_donner"))
    assert len(re.findall(r"/actions/\d+/avis/", response.content.decode())) == 5


def test_it_keeps_the_opinion_list_to_funders(client, porteur, agent_agglo, lecteur):
    for user in (porteur, agent_agglo, lecteur):
        client.force_login(user)
        assert client.get(url("avis_a_donner")).status_code == 403


# Instruction in batches --------------------------------------------------------------------


def test_it_takes_a_batch_into_instruction_and_reports_each_result(
    client, agent_agglo, porteur, partenaire_etat, appel
):
    deposees = [
        mettre_a_l_etat(ActionCompleteFactory(appel=appel, intitule=f"Demande {n}"), E.DEPOSEE)
        for n in (1, 2, 3)
    ]
    # Taken into instruction by someone else after the page was shown.
    deja = mettre_a_l_etat(ActionCompleteFactory(appel=appel, intitule="Déjà prise"), E.DEPOSEE)
    _, html = page(client, agent_agglo, "instruction_groupee")
    for action in [*deposees, deja]:
        assert f'value="{action.pk}"' in html
    mettre_a_l_etat(deja, E.EN_INSTRUCTION)

    choisies = [deposees[0].pk, deja.pk, deposees[1].pk, deposees[2].pk, 999999]
    response = client.post(url("instruction_groupee"), {"actions": choisies})
    html = response.content.decode()
    resultats = [
        texte(li) for li in re.findall(r'<li class="resultat[^"]*">(.*?)</li>', html, re.S)
    ]
    assert resultats == [
        "Réussi — Demande 1 : Prise en instruction.",
        "Échec — Déjà prise : Vous ne pouvez pas « prendre en instruction » une action à "
        "l'état « En instruction ».",
        "Réussi — Demande 2 : Prise en instruction.",
        "Réussi — Demande 3 : Prise en instruction.",
        "Échec — Demande n° 999999 : Demande introuvable.",
    ]
    for action in deposees:
        action.refresh_from_db()
        assert action.etat == E.EN_INSTRUCTION
        assert action.instructeur == agent_agglo
        step = TransitionAction.objects.get(action=action)
        assert (step.code, step.etat_avant, step.auteur) == ("instruire", E.DEPOSEE, agent_agglo)
    assert not TransitionAction.objects.filter(action=deja).exists()
    # The list now holds no deposited application.
    assert "Aucune demande déposée n'attend" in html


def test_it_asks_for_a_selection_and_keeps_batches_to_the_agglo(
    client, agent_agglo, porteur, partenaire_etat, appel
):
    action = mettre_a_l_etat(ActionCompleteFactory(appel=appel), E.DEPOSEE)
    client.force_login(agent_agglo)
    response = client.post(url("instruction_groupee"), {})
    assert "Cochez au moins une demande à prendre en instruction." in response.content.decode()
    for user in (porteur, partenaire_etat):
        client.force_login(user)
        assert client.get(url("instruction_groupee")).status_code == 403
        assert client.post(url("instruction_groupee"), {"actions": [action.pk]}).status_code == 403
    action.refresh_from_db()
    assert action.etat == E.DEPOSEE


# The committee -----------------------------------------------------------------------------


@pytest.fixture
def trois(appel, contrat, partenaire_etat, prefecture):
    """Three actions awaiting the committee, asked of the EPCI (6 000 €) and the État
    (4 000, 2 000 and 3 000 €); the État proposed 3 500 € on the first and 1 000 € on the
    second (défavorable), and has not given its opinion on the third."""
    a = en_avis(appel, intitule="Soutien scolaire", etat_montant="4000", prefecture=prefecture)
    b = en_avis(appel, intitule="Atelier vélo", etat_montant="2000", prefecture=prefecture)
    c = en_avis(appel, intitule="Jardin partagé", etat_montant="3000", prefecture=prefecture)
    for action, sens, montant in [(a, "favorable", "3500"), (b, "defavorable", "1000")]:
        Avis.objects.create(
            action=action,
            financeur=prefecture,
            auteur=partenaire_etat,
            sens=sens,
            montant_propose=Decimal(montant),
        )
        Financement.objects.filter(action=action, financeur=prefecture).update(
            montant_propose=Decimal(montant)
        )
    epci = contrat.epci
    Financement.objects.filter(action=a, financeur=epci).update(montant_propose=Decimal("5000"))
    return a, b, c


def prefix(action):
    return f"action-{action.pk}"


def montant_field(action, financeur):
    return f"{prefix(action)}-montant_{financement(action, financeur).pk}"


def test_it_records_the_committee_decisions_for_many_actions_at_once(
    client, agent_agglo, contrat, prefecture, appel, trois
):
    a, b, c = trois
    epci = contrat.epci
    _, html = page(client, agent_agglo, "comite", appel.pk)
    data = form_data(html, "comite-form")
    # The granted amounts are prefilled with the proposed ones.
    assert data[montant_field(a, prefecture)] == "3\u00a0500,00"
    assert data[montant_field(c, prefecture)] == ""
    assert data[f"{prefix(a)}-decision"] == ""
    data.update(
        {
            f"{prefix(a)}-decision": "programmer",
            montant_field(a, epci): "4 500,50",  # the committee grants less than proposed
            f"{prefix(b)}-decision": "refuser",
            f"{prefix(b)}-commentaire": "Hors des priorités de l'appel.",
            f"{prefix(c)}-decision": "ajourner",
            f"{prefix(c)}-commentaire": "À représenter avec un budget révisé.",
        }
    )
    response = client.post(url("comite", appel.pk), data, follow=True)
    html = response.content.decode()
    assert "3 décisions du comité enregistrées" in html
    assert "Aucune action de cet appel n'attend la décision du comité." in html

    for action, etat in [(a, E.PROGRAMMEE), (b, E.REFUSEE), (c, E.AJOURNEE)]:
        action.refresh_from_db()
        assert action.etat == etat
    # Granted: 4 500,50 € by the EPCI + 3 500 € by the État = 8 000,50 € on the first action.
    assert financement(a, epci).montant_accorde == Decimal("4500.50")
    assert financement(a, prefecture).montant_accorde == Decimal("3500.00")
    assert sum(f.montant_accorde for f in a.financements.all()) == Decimal("8000.50")
    assert not Financement.objects.filter(action__in=[b, c], montant_accorde__isnull=False).exists()
    history = {
        step.action_id: (step.code, step.etat_avant, step.etat_apres, step.commentaire)
        for step in TransitionAction.objects.filter(action__in=trois)
    }
    assert history == {
        a.pk: ("programmer", E.AVIS_FINANCEURS, E.PROGRAMMEE, ""),
        b.pk: ("refuser", E.AVIS_FINANCEURS, E.REFUSEE, "Hors des priorités de l'appel."),
        c.pk: ("ajourner", E.AVIS_FINANCEURS, E.AJOURNEE, "À représenter avec un budget révisé."),
    }


def test_an_invalid_decision_records_nothing_and_says_why_next_to_each_action(
    client, agent_agglo, contrat, prefecture, appel, trois
):
    a, b, c = trois
    _, html = page(client, agent_agglo, "comite", appel.pk)
    data = form_data(html, "comite-form")
    data.update(
        {
            f"{prefix(a)}-decision": "programmer",
            montant_field(a, prefecture): "-100",
            f"{prefix(b)}-decision": "refuser",
            f"{prefix(b)}-commentaire": "  ",
            f"{prefix(c)}-decision": "programmer",  # valid on its own
            montant_field(c, prefecture): "2500",
        }
    )
    response = client.post(url("comite", appel.pk), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert erreur(html, f"id_{montant_field(a, prefecture)}") == "Un montant ne peut être négatif."
    assert erreur(html, f"id_{prefix(b)}-commentaire") == "Expliquez cette décision au porteur."
    summary = texte(html.split('class="error-summary"')[1].split("</div>")[0])
    assert "Aucune décision n'est enregistrée" in summary
    assert "Soutien scolaire" in summary and "Atelier vélo" in summary
    # What was typed stays on the page.
    assert form_data(html, "comite-form")[montant_field(c, prefecture)] == "2500"

    for action in trois:
        action.refresh_from_db()
        assert action.etat == E.AVIS_FINANCEURS
    assert not Financement.objects.filter(montant_accorde__isnull=False).exists()
    assert not TransitionAction.objects.exists()


def test_a_decision_the_service_refuses_undoes_the_others(
    client, agent_agglo, contrat, prefecture, appel, trois
):
    a, b, c = trois
    _, html = page(client, agent_agglo, "comite", appel.pk)
    data = form_data(html, "comite-form")
    data.update(
        {
            f"{prefix(a)}-decision": "programmer",  # recorded, then undone
            f"{prefix(c)}-decision": "programmer",  # nothing granted by anyone
        }
    )
    response = client.post(url("comite", appel.pk), data)
    html = response.content.decode()
    assert erreur(html, f"id_{montant_field(c, contrat.epci)}") == (
        "Indiquez le montant accordé par au moins un financeur."
    )
    a.refresh_from_db()
    assert a.etat == E.AVIS_FINANCEURS
    assert not Financement.objects.filter(montant_accorde__isnull=False).exists()
    assert not TransitionAction.objects.exists()


def test_it_asks_for_at_least_one_decision(client, agent_agglo, appel, trois):
    _, html = page(client, agent_agglo, "comite", appel.pk)
    response = client.post(url("comite", appel.pk), form_data(html, "comite-form"))
    assert "Choisissez au moins une décision : rien n&#x27;est enregistré." in (
        response.content.decode()
    )
    assert not TransitionAction.objects.exists()


def test_it_keeps_the_committee_to_the_agglo_of_the_contract(
    client, partenaire_etat, porteur, lecteur, agent_autre_contrat, appel, trois
):
    a = trois[0]
    decision = {f"{prefix(a)}-decision": "refuser", f"{prefix(a)}-commentaire": "Non."}
    for user in (partenaire_etat, porteur, lecteur):
        client.force_login(user)
        assert client.get(url("comite", appel.pk)).status_code == 403
        assert client.post(url("comite", appel.pk), decision).status_code == 403
    client.force_login(agent_autre_contrat)
    assert client.post(url("comite", appel.pk), decision).status_code == 404
    a.refresh_from_db()
    assert a.etat == E.AVIS_FINANCEURS


def test_it_locks_the_query_count_of_the_committee_page(
    client, agent_agglo, prefecture, appel, trois, django_assert_num_queries
):
    client.force_login(agent_agglo)
    # 1 session, 2 user, 3 user's roles, 4 the call + contract, 5 the actions + call +
    # contract + porteur + pillar + amounts requested and proposed, 6 their funders + funder +
    # opinion, 7 the totals, 8 current contract, 9 contracts of the switcher, 10 user's
    # organisation (header).
    with django_assert_num_queries(10):
        client.get(url("comite", appel.pk))
    for _ in range(4):
        en_avis(appel, etat_montant="1000", prefecture=prefecture)
    with django_assert_num_queries(10):
        response = client.get(url("comite", appel.pk))
    assert len(re.findall(r'<section class="card decision', response.content.decode())) == 7


# The committee pack ------------------------------------------------------------------------


def test_it_shows_the_committee_pack_to_the_agglo_and_funders(
    client, agent_agglo, partenaire_etat, porteur, lecteur, contrat, appel, trois
):
    sans_etat = en_avis(appel, intitule="Sans l'État")
    _, html = page(client, agent_agglo, "comite_dossier", appel.pk)
    for action in [*trois, sans_etat]:
        assert action.intitule.replace("'", "&#x27;") in html
    # Asked: 4 × 6 000 (EPCI) + 4 000 + 2 000 + 3 000 (État) = 33 000 €;
    # proposed: 5 000 (EPCI on the first) + 3 500 + 1 000 (État) = 9 500 €.
    assert re.search(r'id="total-demande">33\u202f000,00\u00a0€<', html)
    assert re.search(r'id="total-propose">9\u202f500,00\u00a0€<', html)
    assert "Défavorable" in html and "Pas encore d&#x27;avis" in html

    # The État's instructor sees the actions it is solicited on only.
    _, html = page(client, partenaire_etat, "comite_dossier", appel.pk)
    assert "Soutien scolaire" in html and "Sans l&#x27;État" not in html
    assert re.search(r'id="total-demande">27\u202f000,00\u00a0€<', html)
    for user in (porteur, lecteur):
        client.force_login(user)
        assert client.get(url("comite_dossier", appel.pk)).status_code == 403
        assert client.get(url("comite_dossier_excel", appel.pk)).status_code == 403


def test_it_writes_the_committee_pack_as_a_workbook(client, agent_agglo, contrat, appel, trois):
    client.force_login(agent_agglo)
    response = client.get(url("comite_dossier_excel", appel.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(BytesIO(response.content))["Dossier du comité"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "Action",
        "Porteur",
        "Pilier",
        "Financeur",
        "Nature",
        "Montant demandé",
        "Avis",
        "Montant proposé",
    ]
    epci, etat = contrat.epci.nom, "Préfecture de l'Aude"
    body = sorted((r[0], r[3], r[5], r[6], r[7]) for r in rows[1:-1])
    assert body == sorted(
        [
            ("Soutien scolaire", epci, 6000, "Pas encore d'avis", 5000),
            ("Soutien scolaire", etat, 4000, "Favorable", 3500),
            ("Atelier vélo", epci, 6000, "Pas encore d'avis", None),
            ("Atelier vélo", etat, 2000, "Défavorable", 1000),
            ("Jardin partagé", epci, 6000, "Pas encore d'avis", None),
            ("Jardin partagé", etat, 3000, "Pas encore d'avis", None),
        ]
    )
    total = rows[-1]
    assert total[0] == "Total"
    assert (total[5], total[7]) == ("=SUM(F2:F7)", "=SUM(H2:H7)")
    # The formulas add up to the figures of the page: 27 000 € asked, 9 500 € proposed.
    assert sum(r[5] for r in rows[1:-1]) == 27000
    assert sum(r[7] or 0 for r in rows[1:-1]) == 9500
    assert sheet["F2"].number_format == EURO and sheet["H8"].number_format == EURO
    assert sheet.freeze_panes == "A2"
