import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import override_settings
from stdnum.fr import siret

from cdv.demo.loader import DEMO_USERS, SUPERUSER_EMAIL
from cdv.enums import NiveauObjectif, OrganisationKind, RoleCode
from cdv.models import Contrat, Organisation, Pilier, Reunion, User
from cdv.validators import RNA_RE
from programmation import perms, selectors, services
from programmation.enums import COMPTE_SUBVENTIONS, TRANSITIONS, EtatAction, EtatAppel
from programmation.models import Action, AppelAProjets
from quartiers.enums import QuartierKind
from quartiers.models import Quartier

pytestmark = pytest.mark.django_db

DEMO_MODELS = [
    model
    for label in ("cdv", "programmation", "quartiers")
    for model in apps.get_app_config(label).get_models(include_auto_created=True)
]


def load_demo(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    return {model._meta.label: model._default_manager.count() for model in DEMO_MODELS}


@pytest.fixture
def demo(monkeypatch):
    return load_demo(monkeypatch)


def contrat_2015():
    return Contrat.objects.get(epci__siret__startswith="200035715", annee_debut=2015)


def test_it_refuses_to_run_outside_debug():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="mode DEBUG"):
        call_command("load_demo", stdout=StringIO())
    assert not Organisation.objects.exists()


def test_a_second_run_changes_no_count(demo, monkeypatch):
    first = counts()
    output = load_demo(monkeypatch)
    assert counts() == first
    # 7 actions of the 2024 contract, 545 of the 2015 contract's 2016–2022 history.
    assert first["programmation.Action"] == 7 + 545
    assert first["quartiers.Quartier"] == 12
    assert "organisations : 0 / " in output
    assert "actions : 0 / 552" in output


def test_it_loads_the_2015_contract_of_carcassonne_agglo(demo):
    contrat = contrat_2015()
    assert contrat.nom == "Contrat de ville de Carcassonne Agglo"
    assert (contrat.annee_fin, contrat.code) == (2022, None)
    assert contrat.epci.kind == OrganisationKind.EPCI
    assert contrat.signataires.count() == 18
    assert [p.nom for p in contrat.piliers.all()] == [
        "Cohésion sociale",
        "Emploi et développement économique",
        "Cadre de vie et renouvellement urbain",
    ]
    assert contrat.axes.count() == 5


def test_each_pillar_has_orientations_and_operational_objectives(demo):
    for pilier in Pilier.objects.filter(contrat=contrat_2015()):
        orientations = pilier.objectifs.filter(niveau=NiveauObjectif.ORIENTATION)
        assert orientations.exists(), pilier.nom
        for orientation in orientations:
            assert orientation.objectifs_operationnels.exists(), orientation.intitule
    cadre_de_vie = Pilier.objects.get(contrat=contrat_2015(), nom__startswith="Cadre de vie")
    assert cadre_de_vie.objectifs.filter(
        intitule="Traiter en priorité la précarité énergétique"
    ).exists()


def test_it_loads_the_2024_generation_beside_the_2015_one(demo):
    contrat = Contrat.objects.get(code="CN01102I")
    assert contrat.epci == contrat_2015().epci
    assert (contrat.annee_debut, contrat.annee_fin) == (2024, 2030)
    assert contrat.piliers.count() == 3
    assert contrat.axes.count() == 5


def test_the_2024_contract_has_signatories_objectives_and_governance(demo):
    contrat = Contrat.objects.get(code="CN01102I")
    assert contrat.date_signature == datetime.date(2024, 6, 27)
    assert contrat.signataires.count() == 18
    assert contrat.signataires.filter(organisation__sigle="France Travail").exists()
    assert not contrat.signataires.filter(date_signature__isnull=True).exists()
    piliers = contrat.piliers.all()
    assert len(piliers) == 3
    for pilier in piliers:
        orientations = pilier.objectifs.filter(niveau=NiveauObjectif.ORIENTATION)
        assert orientations.count() == 3, pilier.nom
        for orientation in orientations:
            assert 2 <= orientation.objectifs_operationnels.count() <= 4, orientation.intitule
    instances = contrat.instances.all()
    assert {i.kind for i in instances} == {"copil", "cotech"}
    assert all(instance.membres.exists() for instance in instances)
    reunions = Reunion.objects.filter(instance__contrat=contrat)
    assert reunions.filter(date__year__in=[2025, 2026]).count() >= 2
    # "Later than the day the demo was written": the home page then shows a next meeting.
    assert reunions.filter(date__gt=datetime.date(2026, 11, 25)).exists()


def test_it_loads_the_governance_of_the_contract(demo):
    instances = contrat_2015().instances.all()
    assert {i.kind for i in instances} == {"copil", "cotech", "comite_financeurs"}
    copil = instances.get(kind="copil")
    assert copil.reunions.filter(date="2022-06-29").exists()
    assert all(instance.membres.exists() for instance in instances)


def test_every_organisation_has_a_valid_siret_and_associations_a_valid_rna(demo):
    organisations = list(Organisation.objects.all())
    assert all(siret.is_valid(org.siret) for org in organisations)
    associations = [org for org in organisations if org.kind == OrganisationKind.ASSOCIATION]
    assert len(associations) >= 40
    assert all(RNA_RE.match(org.rna) for org in associations)
    assert len({org.rna for org in associations}) == len(associations)
    assert Organisation.objects.filter(kind=OrganisationKind.BAILLEUR).count() == 3


def test_each_demo_user_has_exactly_its_role_and_can_sign_in(demo):
    contrats = set(Contrat.objects.all())
    for demo_user in DEMO_USERS:
        email = f"{demo_user.role.replace('_', '-')}@demo.cdv.local"
        user = authenticate(username=email, password="demo")
        assert user is not None, email
        assert set(user.roles.values_list("code", flat=True)) == {demo_user.role}
        assert user.organisation is not None
        expected = set() if demo_user.role == RoleCode.PORTEUR else contrats
        assert set(user.contrats.all()) == expected, email
    assert User.objects.get(email="porteur@demo.cdv.local").est_admin_organisation
    assert {u.role for u in DEMO_USERS} == set(RoleCode)


def test_the_superuser_can_sign_in(demo):
    user = authenticate(username=SUPERUSER_EMAIL, password="demo")
    assert user is not None and user.is_superuser


def test_demo_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "un-autre-secret")
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())
    assert authenticate(username="porteur@demo.cdv.local", password="un-autre-secret")
    assert authenticate(username="porteur@demo.cdv.local", password="demo") is None


def test_the_output_lists_the_demo_accounts(demo):
    for code in RoleCode:
        assert f"{code.replace('_', '-')}@demo.cdv.local" in demo
        assert code.label in demo
    assert "« demo »" in demo


def test_every_demo_row_passes_the_model_validation(demo):
    for model in DEMO_MODELS:
        if model._meta.auto_created:
            continue
        for obj in model._default_manager.all():
            obj.full_clean()


# Quartiers, calls and actions ----------------------------------------------------------------

DEMO_PORTEUR = "porteur@demo.cdv.local"


def test_it_loads_the_five_qpv_and_two_qva_of_the_2015_contract(demo):
    quartiers = Quartier.objects.filter(contrat=contrat_2015())
    qpv = {q.nom: (q.code, q.population) for q in quartiers.filter(kind=QuartierKind.QPV)}
    assert qpv == {
        "Bastide – Pont-Vieux": ("QP011004", 3873),
        "La Conte – Ozanam": ("QP011002", 2525),
        "Le Viguier – Saint-Jacques": ("QP011003", 1757),
        "Fleming – La Reille": ("QP011005", 1159),
        "Grazailles": ("QP011006", 949),
    }
    # The evaluation's total QPV population (municipal 2018).
    assert sum(population for _, population in qpv.values()) == 10263
    qva = {q.nom: (q.code, q.communes) for q in quartiers.filter(kind=QuartierKind.QVA)}
    assert qva == {"L'Aiguille": ("", "Carcassonne"), "L'Espérance": ("", "Berriac")}


def test_the_2024_contract_has_the_same_five_qpv_without_inventing_their_codes(demo):
    quartiers = Quartier.objects.filter(contrat__code="CN01102I")
    assert {q.kind for q in quartiers} == {QuartierKind.QPV}
    assert {q.nom: q.population for q in quartiers}["La Conte – Ozanam"] == 2709
    assert sum(q.population for q in quartiers) == 10436
    assert {q.code for q in quartiers} == {""}


def test_the_open_call_is_visible_to_the_demo_porteur(demo):
    porteur = User.objects.get(email=DEMO_PORTEUR)

    appel = AppelAProjets.objects.for_user(porteur).get(etat=EtatAppel.OUVERT)

    assert appel.annee == 2027
    assert appel.contrat.code == "CN01102I"
    assert appel.date_ouverture <= datetime.date(2026, 11, 25) <= appel.date_cloture
    assert appel.priorites.count() == 3
    for priorite in appel.priorites.all():
        assert priorite.pilier.contrat == appel.contrat
        assert priorite.objectifs.exists()
        assert all(o.pilier == priorite.pilier for o in priorite.objectifs.all())
    etat = appel.enveloppes.get(financeur__nom="Préfecture de l'Aude")
    assert etat.montant == Decimal("1100000")
    assert appel.enveloppes.count() == 5


def test_the_demo_actions_have_balanced_budgets_and_whole_quartier_shares(demo):
    # The imported history (2015 contract) has no budget: test_demo_historique.py.
    for action in Action.objects.filter(appel__contrat__code="CN01102I"):
        totaux = selectors.budget_totaux(action)
        assert totaux.equilibre, action
        assert totaux.charges > 0, action
        assert sum(q.part for q in action.quartiers.all()) == 100, action
        for financement in action.financements.all():
            ligne = action.lignes_budget.get(
                compte=COMPTE_SUBVENTIONS, financeur=financement.financeur
            )
            assert ligne.montant_previsionnel == financement.montant_demande, action


def test_the_demo_actions_stand_at_every_stage_with_their_history(demo):
    actions = Action.objects.filter(appel__contrat__code="CN01102I")
    assert {a.etat for a in actions} == {
        EtatAction.BROUILLON,
        EtatAction.DEPOSEE,
        EtatAction.EN_INSTRUCTION,
        EtatAction.AVIS_FINANCEURS,
        EtatAction.PROGRAMMEE,
        EtatAction.CONVENTIONNEE,
    }
    for action in actions:
        etat = EtatAction.BROUILLON
        for step in action.transitions.all():
            transition = TRANSITIONS[step.code]
            assert step.etat_avant == etat and etat in transition.sources, action
            etat = step.etat_apres
            assert etat == transition.target
        assert etat == action.etat, action
    programmees = actions.filter(etat__in=[EtatAction.PROGRAMMEE, EtatAction.CONVENTIONNEE])
    assert all(a.financements.filter(montant_accorde__gt=0).exists() for a in programmees)


def test_the_demo_porteur_renews_last_years_action_as_a_complete_draft(demo):
    porteur = User.objects.get(email=DEMO_PORTEUR)
    brouillon = Action.objects.for_user(porteur).get(etat=EtatAction.BROUILLON)

    assert brouillon.appel.etat == EtatAppel.OUVERT
    assert brouillon.reconduction_de.appel.annee == 2026
    assert services.action_submission_errors(brouillon) == {}


def test_the_demo_instructor_is_asked_for_an_opinion(demo):
    instructeur = User.objects.get(email="instructeur-financeur@demo.cdv.local")

    actions = Action.objects.for_user(instructeur).filter(appel__contrat__code="CN01102I")

    assert actions.count() == 6
    en_avis = actions.get(etat=EtatAction.AVIS_FINANCEURS)
    assert perms.can_give_avis(instructeur, en_avis)


def test_a_second_run_leaves_the_actions_demo_users_moved_on(demo, monkeypatch):
    porteur = User.objects.get(email=DEMO_PORTEUR)
    brouillon = Action.objects.for_user(porteur).get(etat=EtatAction.BROUILLON)
    services.action_transition(action=brouillon, code="deposer", user=porteur)

    load_demo(monkeypatch)

    brouillon.refresh_from_db()
    assert brouillon.etat == EtatAction.DEPOSEE
    assert brouillon.transitions.count() == 1
