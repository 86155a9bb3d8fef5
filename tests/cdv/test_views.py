import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import server_error

from cdv.enums import NiveauObjectif, RoleCode
from cdv.models import Role
from cdv.navigation import menu_for
from tests import factories

TODAY = timezone.localdate()


@pytest.fixture
def cadre(contrat, autre_contrat):
    """The frame of both contracts: pillars, objectives, signatories, axes, meetings."""
    cohesion = factories.PilierFactory(contrat=contrat, nom="Cohésion sociale", ordre=1)
    orientation = factories.ObjectifFactory(
        pilier=cohesion, intitule="Favoriser la réussite éducative"
    )
    factories.ObjectifFactory(
        pilier=cohesion,
        parent=orientation,
        niveau=NiveauObjectif.OPERATIONNEL,
        intitule="Renforcer l'accompagnement à la scolarité",
    )
    factories.PilierFactory(contrat=contrat, nom="Cadre de vie et renouvellement urbain", ordre=2)
    factories.SignataireFactory(
        contrat=contrat,
        organisation=factories.OrganisationFactory(etat=True, nom="Préfecture de l'Aude"),
        date_signature=datetime.date(2024, 3, 15),
        qualite="co-pilote",
    )
    factories.AxeTransversalFactory(contrat=contrat, nom="Égalité femmes-hommes")
    copil = factories.InstanceFactory(contrat=contrat, nom="COPIL Carcassonne")
    factories.ReunionFactory(
        instance=copil, date=TODAY + datetime.timedelta(days=20), lieu="Salle du conseil"
    )
    factories.ReunionFactory(instance=copil, date=datetime.date(2024, 6, 12))

    autre = factories.PilierFactory(contrat=autre_contrat, nom="Pilier de Narbonne")
    factories.ObjectifFactory(pilier=autre, intitule="Orientation de Narbonne")
    factories.ReunionFactory(
        instance=factories.InstanceFactory(contrat=autre_contrat, nom="COPIL Narbonne"),
        date=datetime.date(2024, 7, 1),
    )
    return contrat


def page(client, user, url_name, *args, **kwargs):
    client.force_login(user)
    response = client.get(reverse(url_name, args=args), **kwargs)
    return response, response.content.decode()


# Home, one persona after another


def test_it_shows_the_admin_pdv_the_contract_figures_and_meetings(client, agent_agglo, cadre):
    response, html = page(client, agent_agglo, "home")
    assert response.status_code == 200
    assert "Contrat de ville de Carcassonne Agglo" in html
    assert "CN01102I" in html
    assert "2024 – 2030" in html
    assert cadre.epci.nom in html
    assert re.search(r"stats__value\">2</span> piliers", html)
    assert re.search(r"stats__value\">1</span> objectif opérationnel", html)
    assert re.search(r"stats__value\">1</span> signataire\b", html)
    prochaine = (TODAY + datetime.timedelta(days=20)).strftime("%d/%m/%Y")
    assert f"COPIL Carcassonne, le {prochaine}" in html
    assert "COPIL Carcassonne, le 12/06/2024" in html
    assert "COPIL Narbonne" not in html
    assert "Administrateur politique de la ville" in html
    assert 'href="/gouvernance/"' in html


def test_it_shows_the_partner_of_the_state_its_instruction_section(client, partenaire_etat, cadre):
    _, html = page(client, partenaire_etat, "home")
    assert "Préfecture de l&#x27;Aude" in html
    assert "Instructeur financeur" in html
    assert "Contrat de ville de Carcassonne Agglo" in html
    assert "Les actions sur lesquelles votre organisation est sollicitée" in html
    assert reverse("programmation:action_list") in html


def test_it_shows_the_reader_the_contract_in_read_only(client, lecteur, cadre):
    _, html = page(client, lecteur, "home")
    assert "Lecteur partenaire" in html
    assert re.search(r"stats__value\">2</span> piliers", html)
    for lien in ("quartiers:quartier_list", "programmation:bilan", "pre:stats", "citeslab:rapport"):
        assert f'href="{reverse(lien)}"' in html


def test_it_shows_the_porteur_its_organisation_and_members(client, porteur, cadre):
    collegue = factories.UserFactory(
        organisation=porteur.organisation,
        first_name="Samia",
        last_name="Benali",
        roles=[RoleCode.PORTEUR],
    )
    _, html = page(client, porteur, "home")
    assert "Association Quartiers Solidaires" in html
    assert collegue.get_full_name() in html
    assert reverse("programmation:appel_list") in html
    assert reverse("programmation:action_mine") in html
    assert "Vous ne suivez aucun contrat de ville" in html
    # A porteur neither sees the contract's figures nor its governance.
    assert "stats__value" not in html
    assert 'href="/gouvernance/"' not in html


def test_it_shows_the_gup_coordinator_the_meetings_without_links(client, contrat, cadre):
    coordinateur = factories.UserFactory(
        roles=[RoleCode.COORDINATEUR_GUP], contrats=[contrat], organisation=contrat.epci
    )
    _, html = page(client, coordinateur, "home")
    assert "Coordinateur GUP" in html
    assert "COPIL Carcassonne, le 12/06/2024" in html
    assert "/gouvernance/reunions/" not in html
    assert "diagnostics en marchant" in html


@pytest.mark.parametrize(
    ("role", "heading", "module", "lien"),
    [
        (RoleCode.INTERVENANT_GUP, "Intervenant GUP", "signalements confiés à votre organisation",
         "gup:signalement_list"),
        (RoleCode.REFERENT_PRE, "Référent PRE", "repérages", "pre:enfant_list"),
        (RoleCode.MEMBRE_EPS, "Membre d&#x27;EPS", "situations examinées", "pre:commission_list"),
        (RoleCode.CHARGE_CITESLAB, "Chargé CitésLab", "bénéficiaires",
         "citeslab:beneficiaire_list"),
    ],
)  # fmt: skip
def test_it_shows_each_field_role_its_section(client, contrat, role, heading, module, lien):
    organisation = factories.OrganisationFactory(nom="Régie de quartier Ozanam")
    user = factories.UserFactory(
        first_name="Nadia",
        last_name="Roux",
        roles=[role],
        contrats=[contrat],
        organisation=organisation,
    )
    _, html = page(client, user, "home")
    assert "Bonjour Nadia" in html
    assert "Nadia Roux" in html
    assert "Régie de quartier Ozanam" in html
    assert f'<h2 id="section-{role}">{heading}</h2>' in html
    assert module in html
    assert f'href="{reverse(lien)}"' in html
    assert "Contrat de ville de Carcassonne Agglo" in html
    # No role of the contract's menu entry: no contract figures.
    assert "stats__value" not in html


def test_it_shows_a_user_with_several_roles_each_section(client, contrat):
    user = factories.UserFactory(
        roles=[RoleCode.REFERENT_PRE, RoleCode.CHARGE_CITESLAB], contrats=[contrat]
    )
    _, html = page(client, user, "home")
    assert "section-referent_pre" in html
    assert "section-charge_citeslab" in html


def test_it_tells_a_user_without_contract_so(client, db):
    user = factories.UserFactory(roles=[RoleCode.ADMIN_PDV])
    _, html = page(client, user, "home")
    assert "Vous ne suivez aucun contrat de ville pour le moment" in html


def test_it_shows_the_superuser_the_contracts_of_the_instance(client, superuser, cadre):
    _, html = page(client, superuser, "home")
    assert "Superutilisateur" in html
    assert "Contrat de ville du Grand Narbonne" in html


def test_it_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_menu_of_the_role(client, porteur, agent_agglo):
    _, html = page(client, porteur, "home")
    assert "Mon organisation" in html
    assert "Le contrat" not in html
    _, html = page(client, agent_agglo, "home")
    assert 'href="/contrat/"' in html
    assert 'aria-current="page">Accueil' in html


# The contract


def test_it_shows_the_contract_frame(client, agent_agglo, cadre):
    response, html = page(client, agent_agglo, "contrat_detail")
    assert response.status_code == 200
    assert "Cohésion sociale" in html
    assert "Favoriser la réussite éducative" in html
    assert "Renforcer l&#x27;accompagnement à la scolarité" in html
    assert "Préfecture de l&#x27;Aude" in html
    assert "15/03/2024" in html
    assert "co-pilote" in html
    assert "Égalité femmes-hommes" in html
    assert "Pilier de Narbonne" not in html
    assert "Orientation de Narbonne" not in html


def test_it_shows_the_other_agglo_its_own_contract_only(client, agent_autre_contrat, cadre):
    _, html = page(client, agent_autre_contrat, "contrat_detail")
    assert "Pilier de Narbonne" in html
    assert "Cohésion sociale" not in html


def test_it_refuses_the_contract_page_to_a_porteur(client, porteur):
    response, html = page(client, porteur, "contrat_detail")
    assert response.status_code == 403
    assert "Accès refusé" in html


def test_it_explains_the_contract_page_is_empty_without_contract(client, db):
    user = factories.UserFactory(roles=[RoleCode.LECTEUR_PARTENAIRE])
    response, html = page(client, user, "contrat_detail")
    assert response.status_code == 200
    assert "Vous ne suivez aucun contrat de ville" in html


def test_it_locks_the_query_count_of_the_contract_page(
    client, agent_agglo, contrat, cadre, django_assert_num_queries
):
    client.force_login(agent_agglo)
    # 1 session, 2 user, 3 user's roles, 4 current contract, 5 contracts of the switcher,
    # 6 user's organisation (header), 7 signatories + organisations, 8 pillars,
    # 9 orientations, 10 operational objectives, 11 transversal axes.
    with django_assert_num_queries(11):
        client.get(reverse("contrat_detail"))

    for pilier in factories.PilierFactory.create_batch(3, contrat=contrat):
        for orientation in factories.ObjectifFactory.create_batch(2, pilier=pilier):
            factories.ObjectifFactory.create_batch(
                2, pilier=pilier, parent=orientation, niveau=NiveauObjectif.OPERATIONNEL
            )
    factories.SignataireFactory.create_batch(5, contrat=contrat)
    factories.AxeTransversalFactory.create_batch(3, contrat=contrat)
    with django_assert_num_queries(11):
        response = client.get(reverse("contrat_detail"))
    assert response.content.decode().count("Objectif opérationnel") == 13


# Choosing the contract


def test_it_switches_to_another_contract_of_the_user(client, contrat, cadre):
    # A four-digit id: option values must not get a thousands separator.
    autre = factories.ContratFactory(id=12345, nom="Contrat de ville de Limoux", epci=contrat.epci)
    factories.PilierFactory(contrat=autre, nom="Pilier de Limoux")
    agent = factories.UserFactory(roles=[RoleCode.ADMIN_PDV], contrats=[contrat, autre])
    client.force_login(agent)

    html = client.get(reverse("home")).content.decode()
    assert 'name="contrat"' in html

    response = client.post(
        reverse("contrat_choose"), {"contrat": autre.pk, "next": reverse("contrat_detail")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("contrat_detail")
    html = client.get(response["Location"]).content.decode()
    assert "Pilier de Limoux" in html
    assert "Cohésion sociale" not in html
    assert "Vous travaillez désormais sur le Contrat de ville de Limoux" in html


def test_it_ignores_an_unsafe_next_when_switching(client, agent_agglo, contrat):
    client.force_login(agent_agglo)
    response = client.post(
        reverse("contrat_choose"), {"contrat": contrat.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_it_refuses_a_contract_of_another_epci(client, agent_agglo, autre_contrat):
    client.force_login(agent_agglo)
    response = client.post(reverse("contrat_choose"), {"contrat": autre_contrat.pk})
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert "contrat_id" not in client.session


@pytest.mark.parametrize("value", ["", "abc", "-3"])
def test_it_refuses_a_malformed_contract_choice(client, agent_agglo, value):
    client.force_login(agent_agglo)
    assert client.post(reverse("contrat_choose"), {"contrat": value}).status_code == 404


def test_it_only_switches_contracts_by_post(client, agent_agglo):
    client.force_login(agent_agglo)
    assert client.get(reverse("contrat_choose")).status_code == 405


# Governance


def test_it_lists_the_meetings_of_the_current_contract_by_instance(client, lecteur, cadre):
    cotech = factories.InstanceFactory(contrat=cadre, nom="COTECH Carcassonne")
    factories.ReunionFactory(instance=cotech, date=datetime.date(2024, 2, 2))
    response, html = page(client, lecteur, "reunion_list")
    assert response.status_code == 200
    assert "COPIL Carcassonne" in html
    assert "COTECH Carcassonne" in html
    assert "12/06/2024" in html
    assert "02/02/2024" in html
    assert "à venir" in html
    assert "COPIL Narbonne" not in html
    assert "01/07/2024" not in html

    _, html = page(client, lecteur, "reunion_list", data={"instance": cotech.pk})
    assert "02/02/2024" in html
    assert "12/06/2024" not in html


@pytest.mark.parametrize("role", [RoleCode.PORTEUR, RoleCode.COORDINATEUR_GUP])
def test_it_refuses_governance_to_roles_outside_its_menu_entry(client, contrat, cadre, role):
    user = factories.UserFactory(roles=[role], contrats=[contrat])
    reunion = cadre.instances.get().reunions.first()
    assert page(client, user, "reunion_list")[0].status_code == 403
    assert page(client, user, "reunion_detail", reunion.pk)[0].status_code == 403
    assert page(client, user, "reunion_compte_rendu", reunion.pk)[0].status_code == 403


def test_it_explains_governance_is_empty_without_contract(client, db):
    user = factories.UserFactory(roles=[RoleCode.INSTRUCTEUR_FINANCEUR])
    _, html = page(client, user, "reunion_list")
    assert "Vous ne suivez aucun contrat de ville" in html


def test_it_locks_the_query_count_of_the_meetings_page(
    client, agent_agglo, contrat, django_assert_num_queries
):
    factories.ReunionFactory(instance=factories.InstanceFactory(contrat=contrat))
    client.force_login(agent_agglo)
    # 1 session, 2 user, 3 user's roles, 4 current contract, 5 instances of the filter,
    # 6 contracts of the switcher, 7 user's organisation (header), 8 meetings + instances.
    with django_assert_num_queries(8):
        client.get(reverse("reunion_list"))

    for instance in factories.InstanceFactory.create_batch(3, contrat=contrat):
        factories.ReunionFactory.create_batch(4, instance=instance)
    with django_assert_num_queries(8):
        response = client.get(reverse("reunion_list"))
    assert response.content.decode().count("/gouvernance/reunions/") == 13


def test_it_shows_a_meeting_in_scope(client, partenaire_etat, cadre):
    reunion = cadre.instances.get().reunions.get(date=datetime.date(2024, 6, 12))
    reunion.participants.add(partenaire_etat.organisation)
    response, html = page(client, partenaire_etat, "reunion_detail", reunion.pk)
    assert response.status_code == 200
    assert "COPIL Carcassonne du 12/06/2024" in html
    assert "Point d&#x27;étape de la programmation" in html
    assert "Validation de la programmation" in html
    assert "Préfecture de l&#x27;Aude" in html
    assert "pas encore déposé" in html


def test_it_hides_a_meeting_of_another_contract(client, agent_agglo, autre_contrat, cadre):
    reunion = autre_contrat.instances.get().reunions.get()
    response, html = page(client, agent_agglo, "reunion_detail", reunion.pk)
    assert response.status_code == 404
    assert "Page introuvable" in html


@pytest.fixture
def reunion_avec_compte_rendu(contrat):
    return factories.ReunionFactory(
        instance=factories.InstanceFactory(contrat=contrat),
        compte_rendu=SimpleUploadedFile("cr-copil.pdf", b"%PDF-1.4 compte rendu du COPIL"),
    )


def test_it_downloads_the_minutes_in_scope(client, agent_agglo, reunion_avec_compte_rendu):
    response, _ = page(client, agent_agglo, "reunion_detail", reunion_avec_compte_rendu.pk)
    url = reverse("reunion_compte_rendu", args=[reunion_avec_compte_rendu.pk])
    assert url in response.content.decode()

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "cr-copil" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 compte rendu du COPIL"


def test_it_refuses_the_minutes_out_of_scope(
    client, agent_autre_contrat, reunion_avec_compte_rendu
):
    response, html = page(
        client, agent_autre_contrat, "reunion_compte_rendu", reunion_avec_compte_rendu.pk
    )
    assert response.status_code == 404


def test_it_answers_404_when_there_are_no_minutes(client, agent_agglo, cadre):
    reunion = cadre.instances.get().reunions.first()
    assert page(client, agent_agglo, "reunion_compte_rendu", reunion.pk)[0].status_code == 404


def test_it_answers_404_when_the_minutes_file_is_missing(
    client, agent_agglo, reunion_avec_compte_rendu
):
    reunion_avec_compte_rendu.compte_rendu.storage.delete(
        reunion_avec_compte_rendu.compte_rendu.name
    )
    response, _ = page(client, agent_agglo, "reunion_compte_rendu", reunion_avec_compte_rendu.pk)
    assert response.status_code == 404


# Organisation


def test_it_shows_the_organisation_and_its_members(client, porteur, outsider):
    organisation = porteur.organisation
    organisation.adresse = "12 rue Voltaire"
    organisation.code_postal = "11000"
    organisation.save()
    factories.UserFactory(
        organisation=organisation, first_name="Samia", last_name="Benali", roles=[]
    )
    response, html = page(client, porteur, "organisation_detail")
    assert response.status_code == 200
    assert "Association Quartiers Solidaires" in html
    assert "Association" in html
    assert organisation.siret in html
    assert organisation.rna in html
    assert "12 rue Voltaire" in html
    assert "11000 Carcassonne" in html
    assert "presidente@asso.fr" in html
    assert "Samia Benali" in html
    assert "Porteur de projet" in html
    assert outsider.email not in html
    assert reverse("organisation_invite") in html


def test_it_offers_no_invitation_to_a_plain_member(client, outsider):
    _, html = page(client, outsider, "organisation_detail")
    assert "Autre association" in html
    assert reverse("organisation_invite") not in html


def test_it_tells_a_user_without_organisation_so(client, superuser):
    _, html = page(client, superuser, "organisation_detail")
    assert "rattaché à aucune organisation" in html


# Sign-in, sign-out, password reset


def test_it_shows_the_login_form_in_french(client, db):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="fr">' in html
    assert "Adresse électronique" in html
    assert "Mot de passe" in html
    assert "Aller au contenu" in html
    assert "vendor/htmx/htmx.min.js" in html


def test_it_logs_in_with_the_email_address(client, porteur):
    response = client.post(
        reverse("login"),
        {"username": porteur.email.upper(), "password": factories.DEFAULT_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert f"Bonjour {porteur.first_name}" in response.content.decode()


def _connexion(client, user, **params):
    return client.post(
        reverse("login") + (f"?next={params['next']}" if params else ""),
        {"username": user.email, "password": factories.DEFAULT_PASSWORD},
    )


@pytest.mark.parametrize("persona", ["agent_agglo", "partenaire_etat", "lecteur"])
def test_the_pdv_team_and_partners_land_on_the_contracts_dashboard(client, request, persona):
    response = _connexion(client, request.getfixturevalue(persona))
    assert response["Location"] == reverse("tableau_de_bord")
    assert "Tableau de bord" in client.get(response["Location"]).content.decode()


def test_a_partner_asked_for_a_page_goes_to_that_page(client, lecteur):
    response = _connexion(client, lecteur, next=reverse("quartiers:quartier_list"))
    assert response["Location"] == reverse("quartiers:quartier_list")


def test_roles_with_their_own_home_and_people_without_a_contract_land_on_home(
    client, coordinateur_gup, agent_agglo, contrat
):
    # A GUP coordinator has its own home; the PDV agent with a GUP role too.
    assert _connexion(client, coordinateur_gup)["Location"] == reverse("home")
    client.logout()
    agent_agglo.roles.add(Role.objects.get(code=RoleCode.COORDINATEUR_GUP))
    assert _connexion(client, agent_agglo)["Location"] == reverse("home")
    client.logout()
    sans_contrat = factories.UserFactory(roles=[RoleCode.LECTEUR_PARTENAIRE])
    assert _connexion(client, sans_contrat)["Location"] == reverse("home")


def test_it_refuses_a_wrong_password_in_french(client, agent_agglo):
    response = client.post(reverse("login"), {"username": "agent@agglo.fr", "password": "mauvais"})
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect" in response.content.decode()


def test_it_sends_a_signed_in_user_from_login_to_home(client, porteur):
    client.force_login(porteur)
    response = client.get(reverse("login"))
    assert response["Location"] == reverse("home")


def test_it_logs_out_with_a_post(client, agent_agglo):
    client.force_login(agent_agglo)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_it_resets_a_forgotten_password_in_french(client, agent_agglo):
    html = client.get(reverse("password_reset")).content.decode()
    assert "Mot de passe oublié" in html
    response = client.post(reverse("password_reset"), {"email": "agent@agglo.fr"}, follow=True)
    assert "Vérifiez votre messagerie" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Choisir un nouveau mot de passe" in message.subject
    assert "Bonjour" in message.body
    link = re.search(r"https?://\S+/mot-de-passe/nouveau/\S+/", message.body).group(0)

    response = client.get(link.split("8000", 1)[1], follow=True)
    assert "Choisir un mot de passe" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Quartiers-2030!", "new_password2": "Quartiers-2030!"},
        follow=True,
    )
    assert "Mot de passe enregistré" in response.content.decode()
    assert client.login(username="agent@agglo.fr", password="Quartiers-2030!")


def test_it_says_when_a_reset_link_is_no_longer_valid(client, db):
    url = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-def"})
    assert "Ce lien n'est plus valable" in client.get(url).content.decode()


# Error pages


def test_it_renders_the_404_page_in_french(client, agent_agglo):
    client.force_login(agent_agglo)
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert "Mon organisation" in html


def test_it_renders_the_500_page_without_database_nor_context():
    # No db fixture: any query would raise.
    html = render_to_string("500.html")
    response = server_error(RequestFactory().get("/"))
    assert "Une erreur est survenue" in html
    assert '<html lang="fr">' in html
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()


def test_it_grants_nothing_to_anonymous_visitors():
    from django.contrib.auth.models import AnonymousUser

    from cdv import perms

    assert not perms.can_view_contrat(AnonymousUser())
    assert not perms.can_view_gouvernance(AnonymousUser())


@pytest.mark.parametrize("role", list(RoleCode))
def test_every_menu_entry_opens_for_the_role_it_is_shown_to(client, contrat, role):
    user = factories.UserFactory(roles=[role], contrats=[contrat])
    client.force_login(user)
    entries = menu_for(user)
    assert entries
    for item in entries:
        response = client.get(item.url)
        assert response.status_code == 200, (role, item.label, response.status_code)


def test_every_menu_entry_opens_for_a_superuser_who_sees_no_identities(client, contrat, superuser):
    client.force_login(superuser)
    entries = menu_for(superuser)
    labels = {item.label for item in entries}
    assert "Statistiques" in labels and "Enfants" not in labels and "Bénéficiaires" not in labels
    for item in entries:
        response = client.get(item.url)
        assert response.status_code == 200, (item.label, response.status_code)
