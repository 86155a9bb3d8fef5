"""The programmation pages: calls, the application form, the action page and its workflow,
the lists. Each persona sees and does what the workflow table and the scopes allow."""

import datetime
import html as htmllib
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from cdv.enums import NiveauObjectif, RoleCode
from programmation.enums import EtatAction, EtatAppel
from programmation.models import Action, Avis, Priorite
from tests import factories
from tests.programmation.factories import (
    ActionCompleteFactory,
    ActionFactory,
    AppelFactory,
    FinancementFactory,
    QuartierFactory,
    documents_valides,
)


@pytest.fixture
def cadre(contrat, autre_contrat):
    """An open call of the contract with its priorities, the contract's frame, and the
    frame of another contract that must never leak into the forms."""
    cohesion = factories.PilierFactory(contrat=contrat, nom="Cohésion sociale", ordre=1)
    orientation = factories.ObjectifFactory(pilier=cohesion, intitule="Réussite éducative")
    objectif = factories.ObjectifFactory(
        pilier=cohesion,
        parent=orientation,
        niveau=NiveauObjectif.OPERATIONNEL,
        intitule="Renforcer l'accompagnement à la scolarité",
    )
    factories.AxeTransversalFactory(contrat=contrat, nom="Jeunesse")
    QuartierFactory(contrat=contrat, nom="La Conte", code="QN01101M")
    appel = AppelFactory(contrat=contrat, titre="Appel à projets 2026", annee=2026)
    priorite = Priorite.objects.create(
        appel=appel, pilier=cohesion, texte="Soutenir la scolarité des collégiens."
    )
    priorite.objectifs.add(objectif)
    AppelFactory(contrat=contrat, titre="Appel à projets 2025", annee=2025, etat=EtatAppel.CLOS)

    autre = factories.PilierFactory(contrat=autre_contrat, nom="Pilier de Narbonne")
    factories.ObjectifFactory(
        pilier=autre,
        parent=factories.ObjectifFactory(pilier=autre),
        niveau=NiveauObjectif.OPERATIONNEL,
        intitule="Objectif de Narbonne",
    )
    QuartierFactory(contrat=autre_contrat, nom="Quartier de Narbonne")
    return appel


def get(client, user, name, *args, **params):
    client.force_login(user)
    response = client.get(reverse(f"programmation:{name}", args=args), params)
    return response, response.content.decode()


def erreur(html, field_id):
    """The error text shown next to a field (the element its aria-describedby names)."""
    match = re.search(rf'<div class="error" id="{field_id}_error">(.*?)</div>', html, re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def erreur_de_tableau(html, section):
    match = re.search(
        rf'<section class="card" id="section-{section}".*?<div class="error">(.*?)</div>',
        html,
        re.S,
    )
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


class _FormReader(HTMLParser):
    """What a browser would send for a form, as it stands on the page."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
            else:
                self.data[name] = attrs.get("value", "")
        elif tag == "select":
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            # Like browsers, drop the line break that follows <textarea>.
            if not self.data[self._textarea]:
                data = data.removeprefix("\n")
            self.data[self._textarea] += data


def form_data(html):
    reader = _FormReader()
    reader.feed(html.split('id="action-form"')[1].split("</form>")[0])
    return reader.data


def lignes(prefix, rows, fields):
    """A formset's POST data for new rows."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for field, value in zip(fields, row, strict=True):
            data[f"{prefix}-{i}-{field}"] = value
    return data


def demande(appel, *, bouton, quartiers=(), indicateurs=(), financements=(), budget=(), **champs):
    data = {f"action-{name}": value for name, value in champs.items()}
    data.update(lignes("quartiers", quartiers, ["quartier", "part"]))
    data.update(lignes("indicateurs", indicateurs, ["libelle", "cible"]))
    data.update(lignes("financements", financements, ["financeur", "nature", "montant_demande"]))
    data.update(
        lignes("budget", budget, ["compte", "libelle", "financeur", "montant_previsionnel"])
    )
    data[bouton] = "1"
    return data


def demande_complete(appel):
    """Everything a submission checks, typed as a porteur would (French decimals)."""
    contrat = appel.contrat
    epci = str(contrat.epci_id)
    return demande(
        appel,
        bouton="deposer",
        intitule="Soutien scolaire à La Conte",
        description="Ateliers hebdomadaires de soutien scolaire.",
        objectifs_action="Améliorer les résultats scolaires.",
        objectif=str(contrat.piliers.get().objectifs.get(niveau="operationnel").pk),
        public_vise="Collégiens du quartier",
        beneficiaires_prevus="40",
        part_femmes="52,5",
        date_debut="01/09/2026",
        date_fin="2027-06-30",
        lieux="Maison de quartier",
        quartiers=[(str(contrat.quartiers.get().pk), "100")],
        indicateurs=[("Élèves suivis", "40")],
        financements=[(epci, "specifique", "6 000,00")],
        budget=[
            ("64", "Animateurs", "", "8000"),
            ("61", "Location de salle", "", "2 000"),
            ("74", "Subvention de l'agglo", epci, "6000,00"),
            ("70", "Participation des familles", "", "4000"),
        ],
    )


# Calls for projects


def test_it_lists_open_calls_with_calendar_priorities_and_the_apply_button(client, porteur, cadre):
    response, html = get(client, porteur, "appel_list")
    assert response.status_code == 200
    assert "Appel à projets 2025" not in html  # closed, and not answered
    assert "27/02/2026" in html  # closing date of the open call
    assert "Soutenir la scolarité des collégiens." in html
    assert "Renforcer l&#x27;accompagnement à la scolarité" in html
    create = reverse("programmation:action_create", args=[cadre.pk])
    assert html.count(f'href="{create}"') == 1


def test_it_shows_staff_the_calls_open_first_without_the_apply_button(client, agent_agglo, cadre):
    AppelFactory(contrat=cadre.contrat, titre="Appel à projets 2027", annee=2027, etat="clos")
    response, html = get(client, agent_agglo, "appel_list")
    assert html.index("Appel à projets 2026") < html.index("Appel à projets 2027")
    assert html.index("Appel à projets 2027") < html.index("Appel à projets 2025")
    assert "Déposer une demande" not in html


def test_it_shows_a_call_with_its_calendar_and_priorities(client, porteur, cadre):
    response, html = get(client, porteur, "appel_detail", cadre.pk)
    assert response.status_code == 200
    assert "10/04/2026" in html  # committee
    assert "Cohésion sociale" in html
    assert "Déposer une demande" in html


def test_it_refuses_an_application_on_a_closed_call_or_from_staff(client, porteur, agent_agglo):
    clos = AppelFactory(contrat=agent_agglo.contrats.get(), etat=EtatAppel.CLOS)
    ouvert = AppelFactory(contrat=clos.contrat)
    ActionFactory(appel=clos, porteur=porteur.organisation)  # so that the porteur sees it
    assert get(client, porteur, "action_create", clos.pk)[0].status_code == 403
    assert get(client, agent_agglo, "action_create", ouvert.pk)[0].status_code == 403


# The application form


def test_it_limits_the_choices_to_the_call_contract(client, porteur, cadre):
    response, html = get(client, porteur, "action_create", cadre.pk)
    assert response.status_code == 200
    assert "Renforcer l&#x27;accompagnement à la scolarité" in html
    assert "La Conte" in html
    assert "Jeunesse" in html
    assert "Narbonne" not in html
    assert "1.2 Soutien à la scolarité" in html  # ANCT sub-themes, grouped by theme
    assert 'label="1 Éducation"' in html


def test_it_saves_a_partial_draft(client, porteur, cadre):
    client.force_login(porteur)
    data = demande(cadre, bouton="brouillon", intitule="Soutien scolaire", lieux="")
    response = client.post(reverse("programmation:action_create", args=[cadre.pk]), data)

    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("programmation:action_edit", args=[action.pk])
    assert (action.etat, action.porteur, action.appel) == (
        EtatAction.BROUILLON,
        porteur.organisation,
        cadre,
    )
    html = client.get(response["Location"]).content.decode()
    assert "Votre brouillon est enregistré." in html
    assert 'value="Soutien scolaire"' in html


def test_it_refuses_bad_input_in_french_next_to_the_fields_and_saves_nothing(
    client, porteur, cadre
):
    client.force_login(porteur)
    data = demande(
        cadre,
        bouton="brouillon",
        intitule="",
        part_femmes="beaucoup",
        date_debut="31/02/2026",
        date_fin="",
        quartiers=[(str(cadre.contrat.quartiers.get().pk), "cent")],
        budget=[("74", "", "", "1000")],
    )
    narbonne = QuartierFactory._meta.model.objects.get(nom="Quartier de Narbonne")
    data.update(lignes("quartiers", [(str(narbonne.pk), "100")], ["quartier", "part"]))

    response = client.post(reverse("programmation:action_create", args=[cadre.pk]), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert not Action.objects.exists()
    assert "Rien n&#x27;a été enregistré" in html
    assert erreur(html, "id_action-intitule") == "Ce champ est obligatoire."
    assert erreur(html, "id_action-part_femmes") == "Saisissez un nombre."
    assert erreur(html, "id_action-date_debut") == "Saisissez une date valide."
    assert erreur(html, "id_quartiers-0-quartier").startswith("Sélectionnez un choix valide.")
    # Every error is also listed at the top, as a link to its field.
    assert 'role="alert"' in html
    assert 'href="#id_action-part_femmes"' in html
    assert 'aria-invalid="true"' in html


def test_it_keeps_an_incomplete_application_as_draft_and_shows_every_problem(
    client, porteur, cadre
):
    client.force_login(porteur)
    data = demande(
        cadre,
        bouton="deposer",
        intitule="Soutien scolaire",
        date_debut="2026-09-01",
        financements=[(str(cadre.contrat.epci_id), "specifique", "6000")],
    )

    response = client.post(
        reverse("programmation:action_create", args=[cadre.pk]), data, follow=True
    )

    action = Action.objects.get()
    assert action.etat == EtatAction.BROUILLON
    assert action.intitule == "Soutien scolaire"
    assert action.date_debut == datetime.date(2026, 9, 1)
    assert action.financements.get().montant_demande == Decimal("6000")
    html = response.content.decode()
    assert response.redirect_chain == [
        (reverse("programmation:action_edit", args=[action.pk]), 302)
    ]
    assert "Votre brouillon est enregistré, mais la demande ne peut pas encore être" in html
    obligatoire = "Ce champ est obligatoire pour déposer la demande."
    for field in ("description", "public_vise", "lieux", "pilier", "objectif", "date_fin"):
        assert erreur(html, f"id_action-{field}") == obligatoire, field
    assert erreur(html, "id_action-objectifs_action") == "Décrivez les objectifs de l'action."
    assert "Indiquez au moins un quartier" in erreur_de_tableau(html, "quartiers")
    assert "Indiquez au moins un indicateur" in erreur_de_tableau(html, "indicateurs")
    budget = erreur_de_tableau(html, "budget")
    assert "Le budget prévisionnel doit comporter des charges." in budget
    assert "doit figurer au compte 74 du budget" in budget
    assert 'href="#section-quartiers"' in html
    assert 'href="#id_action-lieux"' in html
    # The errors are shown once: a reload shows the saved draft only.
    assert (
        "ne peut pas encore être" not in client.get(response.request["PATH_INFO"]).content.decode()
    )


def test_it_deposits_a_complete_application_typed_in_the_form(client, porteur, cadre):
    documents_valides(porteur.organisation)  # statutes, RIB… reused from earlier
    client.force_login(porteur)

    response = client.post(
        reverse("programmation:action_create", args=[cadre.pk]),
        demande_complete(cadre),
        follow=True,
    )

    action = Action.objects.get()
    assert action.etat == EtatAction.DEPOSEE
    assert action.pilier.nom == "Cohésion sociale"  # taken from the objective
    assert action.part_femmes == Decimal("52.5")
    assert action.lignes_budget.count() == 4
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "programmation:action_detail", args=[action.pk]
    )
    assert "Votre demande est déposée" in html
    assert '<span class="badge" id="etat">Déposée</span>' in html
    step = action.transitions.get()
    assert step.date.astimezone().strftime("%d/%m/%Y") in html
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d</th>", html)
    assert "Brouillon → Déposée" in html
    assert "10\u202f000,00\u00a0€" in html  # total of the charges


def test_it_edits_a_draft_and_then_refuses_editing_once_deposited(client, porteur, cadre):
    action = ActionCompleteFactory(appel=cadre, porteur=porteur.organisation)
    response, html = get(client, porteur, "action_edit", action.pk)
    assert response.status_code == 200
    assert "10\u202f000,00\u00a0€" in html  # the saved totals
    assert "le budget est équilibré" in html

    response = client.post(
        reverse("programmation:action_step", args=[action.pk]), {"code": "deposer"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.etat == EtatAction.DEPOSEE
    assert get(client, porteur, "action_edit", action.pk)[0].status_code == 403


def test_it_saves_the_form_as_shown_then_changes_and_removes_lines(client, porteur, cadre):
    """The page's own values (French amounts, dates, existing lines) come back unchanged."""
    action = ActionCompleteFactory(
        appel=cadre, porteur=porteur.organisation, part_femmes=Decimal("52.5")
    )
    _, html = get(client, porteur, "action_edit", action.pk)
    data = form_data(html)
    assert data["budget-0-montant_previsionnel"] == "2\xa0000,00"  # the 61 line, first

    url = reverse("programmation:action_edit", args=[action.pk])
    response = client.post(url, {**data, "deposer": "1"})
    assert response["Location"] == reverse("programmation:action_detail", args=[action.pk])
    action.refresh_from_db()
    assert action.etat == EtatAction.DEPOSEE
    assert action.part_femmes == Decimal("52.5")
    assert action.lignes_budget.count() == 4

    Action.objects.filter(pk=action.pk).update(etat=EtatAction.A_COMPLETER)
    _, html = get(client, porteur, "action_edit", action.pk)
    assert "Renvoyer la demande complétée" in html
    data = form_data(html)
    data["action-lieux"] = "Collège Varsovie"
    data["budget-0-DELETE"] = "on"  # the 2 000 € of compte 61: the budget no longer balances
    data["budget-4-compte"], data["budget-4-montant_previsionnel"] = "60", "2 000,00"
    response = client.post(url, {**data, "brouillon": "1"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.lieux == "Collège Varsovie"
    assert action.etat == EtatAction.A_COMPLETER
    assert sorted(action.lignes_budget.values_list("compte", flat=True)) == [
        "60",
        "64",
        "70",
        "74",
    ]


def test_it_sends_a_refused_deposit_from_the_action_page_to_the_form(client, porteur, cadre):
    action = ActionFactory(appel=cadre, porteur=porteur.organisation)
    client.force_login(porteur)
    response = client.post(
        reverse("programmation:action_step", args=[action.pk]), {"code": "deposer"}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("programmation:action_edit", args=[action.pk])
    assert erreur(html, "id_action-lieux") == "Ce champ est obligatoire pour déposer la demande."
    action.refresh_from_db()
    assert action.etat == EtatAction.BROUILLON


def test_it_says_why_a_draft_cannot_be_deposited_once_the_call_is_closed(client, porteur, cadre):
    action = ActionCompleteFactory(appel=cadre, porteur=porteur.organisation)
    AppelFactory._meta.model.objects.filter(pk=cadre.pk).update(etat=EtatAppel.CLOS)
    client.force_login(porteur)
    response = client.post(
        reverse("programmation:action_step", args=[action.pk]), {"code": "deposer"}, follow=True
    )
    html = htmllib.unescape(response.content.decode())
    assert "Demande : L'appel « Appel à projets 2026 » n'est pas ouvert aux dépôts (clos)." in html
    action.refresh_from_db()
    assert action.etat == EtatAction.BROUILLON


# Scopes


@pytest.mark.parametrize("name", ["action_detail", "action_edit"])
def test_it_hides_an_action_from_another_organisation(client, porteur, outsider, cadre, name):
    action = ActionFactory(appel=cadre, porteur=porteur.organisation)
    assert get(client, outsider, name, action.pk)[0].status_code == 404
    client.force_login(outsider)
    step = client.post(reverse("programmation:action_step", args=[action.pk]), {"code": "deposer"})
    assert step.status_code == 404


def test_it_hides_an_action_from_staff_of_another_contract(
    client, porteur, agent_autre_contrat, cadre
):
    action = ActionCompleteFactory(appel=cadre, porteur=porteur.organisation)
    Action.objects.filter(pk=action.pk).update(etat=EtatAction.DEPOSEE)
    assert get(client, agent_autre_contrat, "action_detail", action.pk)[0].status_code == 404


# The workflow, from the action's page


def test_it_takes_the_steps_the_table_allows_and_refuses_the_others(
    client, porteur, agent_agglo, cadre
):
    action = ActionCompleteFactory(appel=cadre, porteur=porteur.organisation)
    client.force_login(porteur)
    client.post(reverse("programmation:action_step", args=[action.pk]), {"code": "deposer"})

    # The porteur sees no button to instruct, and is refused when trying anyway.
    _, html = get(client, porteur, "action_detail", action.pk)
    assert "Prendre en instruction" not in html
    assert "Abandonner la demande" in html
    url = reverse("programmation:action_step", args=[action.pk])
    assert client.post(url, {"code": "instruire"}).status_code == 403
    action.refresh_from_db()
    assert action.etat == EtatAction.DEPOSEE

    _, html = get(client, agent_agglo, "action_detail", action.pk)
    assert "Prendre en instruction" in html
    response = client.post(url, {"code": "instruire"}, follow=True)
    assert "l&#x27;action est maintenant à l&#x27;état « En instruction »" in (
        response.content.decode()
    )

    # A request for completions needs a comment: said next to the text area, nothing moves.
    response = client.post(url, {"code": "demander_complements", "commentaire": " "})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        erreur_commentaire(html, "demander_complements") == "Expliquez cette décision au porteur."
    )
    action.refresh_from_db()
    assert action.etat == EtatAction.EN_INSTRUCTION

    client.post(url, {"code": "demander_complements", "commentaire": "Précisez les lieux."})
    action.refresh_from_db()
    assert action.etat == EtatAction.A_COMPLETER

    # The porteur edits again and sends the completed application back.
    _, html = get(client, porteur, "action_detail", action.pk)
    assert "Précisez les lieux." in html
    assert "En instruction → À compléter" in html
    assert get(client, porteur, "action_edit", action.pk)[0].status_code == 200
    client.post(url, {"code": "completer"})
    action.refresh_from_db()
    assert action.etat == EtatAction.EN_INSTRUCTION


def erreur_commentaire(html, code):
    match = re.search(rf'id="commentaire-{code}-erreur"[^>]*>(.*?)</div>', html, re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else ""


def test_it_shows_private_annotations_to_instructors_only(
    client, porteur, agent_agglo, partenaire_etat, cadre
):
    action = ActionCompleteFactory(appel=cadre, porteur=porteur.organisation)
    FinancementFactory(action=action, financeur=partenaire_etat.organisation)
    Action.objects.filter(pk=action.pk).update(etat=EtatAction.AVIS_FINANCEURS)
    Avis.objects.create(
        action=action,
        financeur=partenaire_etat.organisation,
        auteur=partenaire_etat,
        sens="favorable",
        commentaire="Action utile.",
        annotation_privee="Porteur fragile financièrement.",
    )
    for user, voit in [(agent_agglo, True), (partenaire_etat, True), (porteur, False)]:
        _, html = get(client, user, "action_detail", action.pk)
        assert "Action utile." in html
        assert ("Porteur fragile financièrement." in html) is voit, user.email


# Lists


def test_it_lists_the_porteur_own_applications_only(client, porteur, outsider, cadre):
    mine = ActionFactory(appel=cadre, porteur=porteur.organisation, intitule="La mienne")
    ActionFactory(appel=cadre, porteur=outsider.organisation, intitule="Une autre")
    _, html = get(client, porteur, "action_mine")
    assert "La mienne" in html
    assert "Une autre" not in html
    assert reverse("programmation:action_edit", args=[mine.pk]) in html


def test_it_lists_the_contract_actions_for_staff_and_partners(
    client, porteur, agent_agglo, partenaire_etat, lecteur, agent_autre_contrat, cadre
):
    deposee = ActionCompleteFactory(appel=cadre, porteur=porteur.organisation, intitule="Déposée")
    Action.objects.filter(pk=deposee.pk).update(etat=EtatAction.DEPOSEE)
    sollicite = ActionCompleteFactory(appel=cadre, intitule="Sollicitant l'État")
    FinancementFactory(action=sollicite, financeur=partenaire_etat.organisation)
    Action.objects.filter(pk=sollicite.pk).update(etat=EtatAction.DEPOSEE)
    ActionFactory(appel=cadre, intitule="Brouillon caché")
    ailleurs = AppelFactory(contrat=agent_autre_contrat.contrats.get())
    ActionFactory(appel=ailleurs, intitule="Action de Narbonne", etat=EtatAction.DEPOSEE)

    _, html = get(client, agent_agglo, "action_list")
    assert "Déposée" in html and "Sollicitant l&#x27;État" in html
    assert "Brouillon caché" not in html and "Action de Narbonne" not in html
    assert "6\u202f000,00\u00a0€" in html
    _, html = get(client, lecteur, "action_list")
    assert "Sollicitant l&#x27;État" in html
    _, html = get(client, partenaire_etat, "action_list")
    assert "Sollicitant l&#x27;État" in html
    assert ">Déposée</a>" not in html
    _, html = get(client, agent_agglo, "action_list", etat=EtatAction.EN_INSTRUCTION)
    assert "Aucune action ne correspond à ces critères." in html


def test_it_locks_the_query_count_of_the_staff_action_list(
    client, agent_agglo, cadre, django_assert_num_queries
):
    def deposer(n):
        for action in ActionCompleteFactory.create_batch(n, appel=cadre):
            Action.objects.filter(pk=action.pk).update(etat=EtatAction.DEPOSEE)

    deposer(1)
    client.force_login(agent_agglo)
    # The programming table (tests/programmation/test_tableau.py names each query):
    # 12 for the user, the contract and the table, 2 for the header, 6 for the filters.
    with django_assert_num_queries(20):
        client.get(reverse("programmation:action_list"))

    deposer(5)
    with django_assert_num_queries(20):
        response = client.get(reverse("programmation:action_list"))
    assert len(re.findall(r"/programmation/actions/\d+/", response.content.decode())) == 6


def test_it_locks_the_query_count_of_the_porteur_list(
    client, porteur, cadre, django_assert_num_queries
):
    ActionCompleteFactory(appel=cadre, porteur=porteur.organisation)
    client.force_login(porteur)
    # 1 session, 2 user, 3 user's roles, 4 current contract (none), 5 the actions + call +
    # contract + porteur + pillar + amount requested, 6 user's organisation (caption, header),
    # 7 contracts of the switcher.
    with django_assert_num_queries(7):
        client.get(reverse("programmation:action_mine"))

    ActionCompleteFactory.create_batch(4, appel=cadre, porteur=porteur.organisation)
    with django_assert_num_queries(7):
        response = client.get(reverse("programmation:action_mine"))
    assert response.content.decode().count("/modifier/") == 5


def test_it_locks_the_query_count_of_the_calls_page(
    client, porteur, cadre, django_assert_num_queries
):
    client.force_login(porteur)
    # 1 session, 2 user, 3 user's roles, 4 calls + contract, 5 priorities + pillar,
    # 6 their objectives, 7 current contract (none), 8 contracts of the switcher,
    # 9 user's organisation (header).
    with django_assert_num_queries(9):
        client.get(reverse("programmation:appel_list"))

    for appel in AppelFactory.create_batch(3, contrat=cadre.contrat):
        for pilier in cadre.contrat.piliers.all():
            Priorite.objects.create(appel=appel, pilier=pilier, texte="Priorité").objectifs.set(
                pilier.objectifs.all()
            )
    with django_assert_num_queries(9):
        response = client.get(reverse("programmation:appel_list"))
    assert response.content.decode().count("Déposer une demande<") == 4


# Navigation


@pytest.mark.parametrize(
    ("role", "entries", "absent"),
    [
        (RoleCode.PORTEUR, ["Appels à projets", "Mes demandes"], ["Actions"]),
        (RoleCode.ADMIN_PDV, ["Appels à projets", "Actions"], ["Mes demandes"]),
        (RoleCode.INSTRUCTEUR_FINANCEUR, ["Appels à projets", "Actions"], ["Mes demandes"]),
        (RoleCode.LECTEUR_PARTENAIRE, ["Appels à projets", "Actions"], ["Mes demandes"]),
        (RoleCode.COORDINATEUR_GUP, [], ["Appels à projets", "Actions", "Mes demandes"]),
    ],
)
def test_it_shows_the_programmation_menu_by_role(client, contrat, role, entries, absent):
    client.force_login(factories.UserFactory(roles=[role], contrats=[contrat]))
    nav = client.get(reverse("home")).content.decode().split('aria-label="Menu principal"')[1]
    nav = nav.split("</nav>")[0]
    for entry in entries:
        assert f">{entry}</a>" in nav
    for entry in absent:
        assert f">{entry}</a>" not in nav
