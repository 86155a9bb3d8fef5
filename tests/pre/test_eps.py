"""The EPS teams and commissions: who sees which commission and which child, the agenda,
attendance, decisions (an entry opens the pathway, or the waiting list at the cap), the
minutes, the log of reads, French errors and constant query counts — pages and API."""

import datetime
import html

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cdv.enums import RoleCode
from pre.enums import DecisionEPS, EtatParcours
from pre.models import (
    CommissionEPS,
    ConfigurationPRE,
    EquipeEPS,
    JournalAcces,
    Parcours,
    SituationCommission,
)
from tests import factories
from tests.pre.factories import CommissionFactory, EnfantFactory, EquipeFactory, ReperageFactory

pytestmark = pytest.mark.django_db
EQUIPES = reverse("pre:equipe_list")
COMMISSIONS = reverse("pre:commission_list")
CREATE = reverse("pre:commission_create")
API_COMMISSIONS = "/api/v1/pre/eps/commissions/"
API_EQUIPES = "/api/v1/pre/eps/equipes/"
NAMES = ("Martinez", "Bernard", "Petit")
OUTSIDERS = ["agent_agglo", "lecteur", "partenaire_etat", "coordinateur_gup", "superuser",
             "porteur", "agent_autre_contrat"]  # fmt: skip


@pytest.fixture
def eps(contrat, membre_eps):
    """Team Ouest (the nurse) examines Léa Martinez on 08/10/2026; team Est (a social
    worker) examines Noé Bernard; Sam Petit's referral waits for a commission."""
    ouest = EquipeFactory(contrat=contrat, nom="Ouest", membres=[membre_eps])
    assistante = factories.UserFactory(
        email="assistante@ville.fr", roles=[RoleCode.MEMBRE_EPS], contrats=[contrat]
    )
    est = EquipeFactory(contrat=contrat, nom="Est", membres=[assistante])
    lea = EnfantFactory(contrat=contrat, nom="Martinez", prenom="Léa")
    noe = EnfantFactory(contrat=contrat, nom="Bernard", prenom="Noé")
    sam = EnfantFactory(contrat=contrat, nom="Petit", prenom="Sam")
    c_ouest = CommissionFactory(equipe=ouest, date=datetime.date(2026, 10, 8))
    c_est = CommissionFactory(equipe=est, date=datetime.date(2026, 10, 15))
    s_lea = SituationCommission.objects.create(
        commission=c_ouest, reperage=ReperageFactory(enfant=lea)
    )
    SituationCommission.objects.create(commission=c_est, reperage=ReperageFactory(enfant=noe))
    return {
        "ouest": ouest, "est": est, "assistante": assistante, "lea": lea, "noe": noe,
        "sam": sam, "reperage_sam": ReperageFactory(enfant=sam), "c_ouest": c_ouest,
        "c_est": c_est, "s_lea": s_lea,
    }  # fmt: skip


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def _detail(commission):
    return reverse("pre:commission_detail", args=[commission.pk])


def _decision(situation):
    return reverse("pre:situation_decision", args=[situation.pk])


def _text(response):
    return html.unescape(response.content.decode())


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# Who sees what -----------------------------------------------------------------------------


def test_an_eps_member_sees_only_its_teams_commissions_and_children(client, eps, membre_eps):
    listing = _get(client, membre_eps, COMMISSIONS)
    assert [c.pk for c in listing.context["commissions"]] == [eps["c_ouest"].pk]
    assert "Martinez" not in listing.content.decode()  # the list names no child

    page = _get(client, membre_eps, _detail(eps["c_ouest"])).content.decode()
    assert "Léa Martinez" in page
    assert "Bernard" not in page and "Petit" not in page
    assert "Inscrire à l'ordre du jour" not in page  # a member reads, the PRE writes

    assert _get(client, membre_eps, _detail(eps["c_est"])).status_code == 404
    api = _get(client, membre_eps, f"{API_COMMISSIONS}{eps['c_est'].pk}/")
    assert api.status_code == 404 and "Bernard" not in api.content.decode()


def test_the_pre_staff_see_every_commission_of_the_contract(client, eps, referent_pre):
    listing = _get(client, referent_pre, COMMISSIONS)
    assert [c.pk for c in listing.context["commissions"]] == [eps["c_est"].pk, eps["c_ouest"].pk]
    page = _get(client, referent_pre, _detail(eps["c_est"])).content.decode()
    assert "Noé Bernard" in page
    # The referral waiting for a commission is offered to the agenda.
    assert "Sam Petit" in page


def test_the_staff_of_another_contract_get_404(client, eps, autre_contrat):
    ailleurs = factories.UserFactory(roles=[RoleCode.REFERENT_PRE], contrats=[autre_contrat])
    assert _get(client, ailleurs, _detail(eps["c_ouest"])).status_code == 404
    assert _get(client, ailleurs, COMMISSIONS).context["commissions"].count() == 0


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_no_other_role_opens_the_eps_or_reads_a_name(client, eps, persona, request):
    user = request.getfixturevalue(persona)
    urls = [
        EQUIPES, COMMISSIONS, CREATE, _detail(eps["c_ouest"]), API_COMMISSIONS, API_EQUIPES,
        f"{API_COMMISSIONS}{eps['c_ouest'].pk}/",
        reverse("pre:equipe_membres", args=[eps["ouest"].pk]),
    ]  # fmt: skip
    for url in urls:
        response = _get(client, user, url)
        assert response.status_code in (403, 404), (url, response.status_code)
        assert not any(name in response.content.decode() for name in NAMES), url
    decision = _post(client, user, _decision(eps["s_lea"]), {
        f"situation-{eps['s_lea'].pk}-decision": DecisionEPS.ENTREE,
    })  # fmt: skip
    assert decision.status_code in (403, 404)
    assert not Parcours.objects.exists()
    assert not JournalAcces.objects.exists()


def test_a_team_member_without_the_eps_role_is_refused(client, eps, agent_agglo):
    eps["ouest"].membres.add(agent_agglo)
    response = _get(client, agent_agglo, _detail(eps["c_ouest"]))
    assert response.status_code == 403
    assert "Martinez" not in response.content.decode()


def test_a_member_cannot_write(client, eps, membre_eps):
    url = reverse("pre:commission_compte_rendu", args=[eps["c_ouest"].pk])
    assert _post(client, membre_eps, url, {"compte_rendu": "Rien"}).status_code == 403
    assert _post(client, membre_eps, _decision(eps["s_lea"]), {}).status_code == 403


# The log of reads ------------------------------------------------------------------------


def test_each_child_named_on_the_page_is_logged(client, eps, membre_eps, referent_pre):
    _get(client, membre_eps, _detail(eps["c_ouest"]))
    assert list(JournalAcces.objects.values_list("utilisateur", "enfant_numero", "objet")) == [
        (membre_eps.pk, eps["lea"].pk, "ordre du jour de commission")
    ]
    _get(client, referent_pre, _detail(eps["c_ouest"]))
    # Léa on the agenda, and Sam whose referral is offered to it.
    assert set(
        JournalAcces.objects.filter(utilisateur=referent_pre).values_list(
            "enfant_numero", flat=True
        )
    ) == {eps["lea"].pk, eps["sam"].pk}


def test_the_api_gives_the_agenda_to_a_member_and_logs_it(client, eps, membre_eps):
    liste = _get(client, membre_eps, API_COMMISSIONS).json()
    assert [c["id"] for c in liste.get("results", liste)] == [eps["c_ouest"].pk]
    assert "Martinez" not in str(liste)  # the list names no child
    detail = _get(client, membre_eps, f"{API_COMMISSIONS}{eps['c_ouest'].pk}/").json()
    assert [(s["enfant_prenom"], s["enfant_nom"]) for s in detail["ordre_du_jour"]] == [
        ("Léa", "Martinez")
    ]
    assert JournalAcces.objects.get().objet == "API ordre du jour de commission"
    equipes = _get(client, membre_eps, API_EQUIPES).json()
    noms = [e["nom"] for e in equipes.get("results", equipes)]
    assert noms == ["Ouest"]


# Teams -------------------------------------------------------------------------------------


def test_the_staff_create_a_team_and_choose_its_members(client, eps, contrat, referent_pre,
                                                         membre_eps):  # fmt: skip
    response = _post(client, referent_pre, reverse("pre:equipe_create"), {"nom": "Centre"})
    centre = EquipeEPS.objects.get(nom="Centre")
    assert response.status_code == 302 and centre.contrat == contrat
    url = reverse("pre:equipe_membres", args=[centre.pk])
    _post(client, referent_pre, url, {"membres": [membre_eps.pk, eps["assistante"].pk]})
    assert set(centre.membres.all()) == {membre_eps, eps["assistante"]}
    _post(client, referent_pre, url, {"membres": [eps["assistante"].pk]})
    assert list(centre.membres.all()) == [eps["assistante"]]


def test_a_team_has_a_unique_name_and_members_of_the_contract(client, eps, referent_pre,
                                                               agent_autre_contrat):  # fmt: skip
    response = _post(client, referent_pre, reverse("pre:equipe_create"), {"nom": "ouest"})
    assert response.context["form"].errors == {
        "nom": ["Une équipe porte déjà ce nom dans ce contrat."]
    }
    response = _post(client, referent_pre, reverse("pre:equipe_create"), {"nom": ""})
    assert response.context["form"].errors == {"nom": ["Ce champ est obligatoire."]}
    url = reverse("pre:equipe_membres", args=[eps["ouest"].pk])
    response = _post(client, referent_pre, url, {"membres": [agent_autre_contrat.pk]})
    assert "Choisissez les membres parmi les personnes proposées." in _text(response)
    assert list(eps["ouest"].membres.values_list("email", flat=True)) == ["infirmiere@college.fr"]


def test_a_member_manages_no_team(client, eps, membre_eps):
    assert _get(client, membre_eps, reverse("pre:equipe_create")).status_code == 403
    url = reverse("pre:equipe_membres", args=[eps["ouest"].pk])
    assert _get(client, membre_eps, url).status_code == 403
    page = _get(client, membre_eps, EQUIPES)
    assert [e.nom for e in page.context["equipes"]] == ["Ouest"]


# Commissions, agenda, attendance, minutes ------------------------------------------------


def test_the_staff_create_a_commission(client, eps, referent_pre):
    response = _post(client, referent_pre, CREATE, {"equipe": eps["est"].pk, "date": "2026-11-25"})
    commission = CommissionEPS.objects.get(date=datetime.date(2026, 11, 25))
    assert response["Location"] == _detail(commission)
    assert _messages(response) == ["La commission de l'EPS Est du 25/11/2026 est créée."]


def test_a_commission_needs_a_team_of_the_contract_and_a_date(client, eps, referent_pre,
                                                               autre_contrat):  # fmt: skip
    ailleurs = EquipeFactory(contrat=autre_contrat, nom="Narbonne")
    response = _post(client, referent_pre, CREATE, {"equipe": ailleurs.pk, "date": "31/02/2026"})
    assert response.context["form"].errors == {
        "equipe": ["Choisissez une équipe de ce contrat."],
        "date": ["Saisissez une date valide (jj/mm/aaaa)."],
    }
    assert CommissionEPS.objects.count() == 2


def test_the_staff_put_a_referral_on_the_agenda(client, eps, referent_pre):
    url = reverse("pre:commission_situation_add", args=[eps["c_ouest"].pk])
    response = _post(client, referent_pre, url, {"reperage": eps["reperage_sam"].pk})
    assert _messages(response) == [
        f"La situation de l'enfant n° {eps['sam'].pk} est inscrite à l'ordre du jour."
    ]
    assert eps["c_ouest"].situations.count() == 2
    # Now on an agenda, it is no longer offered, to this commission or another one.
    again = _post(client, referent_pre, url, {"reperage": eps["reperage_sam"].pk})
    assert "Choisissez un repérage proposé dans la liste." in _text(again)
    assert eps["c_ouest"].situations.count() == 2


def test_an_adjourned_referral_may_go_to_a_later_commission(client, eps, referent_pre):
    _post(client, referent_pre, _decision(eps["s_lea"]), {
        f"situation-{eps['s_lea'].pk}-decision": DecisionEPS.AJOURNE,
        f"situation-{eps['s_lea'].pk}-commentaire": "Attendre le bilan orthophonique.",
    })  # fmt: skip
    suivante = CommissionFactory(equipe=eps["ouest"], date=datetime.date(2026, 11, 12))
    url = reverse("pre:commission_situation_add", args=[suivante.pk])
    _post(client, referent_pre, url, {"reperage": eps["s_lea"].reperage_id})
    assert suivante.situations.get().reperage == eps["s_lea"].reperage


def test_attendance_is_among_the_team(client, eps, referent_pre, membre_eps):
    url = reverse("pre:commission_presents", args=[eps["c_ouest"].pk])
    response = _post(client, referent_pre, url, {"presents": [eps["assistante"].pk]})
    assert "Les présents sont choisis parmi les membres de l'équipe." in _text(response)
    assert not eps["c_ouest"].presents.exists()
    _post(client, referent_pre, url, {"presents": [membre_eps.pk]})
    assert list(eps["c_ouest"].presents.all()) == [membre_eps]
    page = _get(client, membre_eps, COMMISSIONS)
    assert page.context["commissions"][0].nb_presents == 1


def test_the_minutes_are_read_by_the_team_only(client, eps, referent_pre, membre_eps):
    url = reverse("pre:commission_compte_rendu", args=[eps["c_ouest"].pk])
    _post(client, referent_pre, url, {"compte_rendu": "Situation de Léa : bilan à prévoir."})
    assert "bilan à prévoir" in _get(client, membre_eps, _detail(eps["c_ouest"])).content.decode()
    other = _get(client, eps["assistante"], _detail(eps["c_ouest"]))
    assert other.status_code == 404 and "bilan" not in other.content.decode()


# Decisions and the cap of the active file ------------------------------------------------


def _decide(client, user, situation, decision, commentaire="", date_entree=""):
    return _post(client, user, _decision(situation), {
        f"situation-{situation.pk}-decision": decision,
        f"situation-{situation.pk}-commentaire": commentaire,
        f"situation-{situation.pk}-date_entree": date_entree,
    })  # fmt: skip


def test_the_entry_date_may_follow_the_commission(client, eps, referent_pre):
    _decide(client, referent_pre, eps["s_lea"], DecisionEPS.ENTREE, date_entree="19/10/2026")
    assert Parcours.objects.get().date_entree == datetime.date(2026, 10, 19)


@pytest.mark.parametrize(
    ("date_entree", "message"),
    [
        ("07/10/2026", "L'entrée en parcours ne peut précéder la commission (08/10/2026)."),
        ("2099-01-04", "L'entrée en parcours ne peut être postérieure à aujourd'hui."),
        ("31/02/2026", "Indiquez une date, par exemple 25/11/2026."),
    ],
)
def test_a_wrong_entry_date_is_refused(client, eps, referent_pre, date_entree, message):
    response = _decide(client, referent_pre, eps["s_lea"], DecisionEPS.ENTREE, "", date_entree)
    assert message in _text(response)
    eps["s_lea"].refresh_from_db()
    assert eps["s_lea"].decision == "" and not Parcours.objects.exists()


def test_no_decision_before_the_commission_meets(client, eps, referent_pre):
    demain = timezone.localdate() + datetime.timedelta(days=1)
    CommissionEPS.objects.filter(pk=eps["c_ouest"].pk).update(date=demain)
    response = _decide(client, referent_pre, eps["s_lea"], DecisionEPS.ENTREE)
    assert (
        f"La commission se tient le {demain:%d/%m/%Y} : "
        "sa décision s'enregistre à partir de ce jour." in _text(response)
    )
    eps["s_lea"].refresh_from_db()
    assert eps["s_lea"].decision == "" and not Parcours.objects.exists()


def test_an_entry_opens_the_pathway_on_the_commissions_day(client, eps, referent_pre):
    response = _decide(client, referent_pre, eps["s_lea"], DecisionEPS.ENTREE, "Accord famille")
    parcours = Parcours.objects.get()
    assert (parcours.enfant, parcours.etat, parcours.date_entree, parcours.reperage) == (
        eps["lea"], EtatParcours.ACTIF, datetime.date(2026, 10, 8), eps["s_lea"].reperage
    )  # fmt: skip
    eps["s_lea"].refresh_from_db()
    assert (eps["s_lea"].decision, eps["s_lea"].commentaire) == (
        "entree_parcours",
        "Accord famille",
    )
    assert _messages(response) == [
        f"La décision sur la situation de l'enfant n° {eps['lea'].pk} est enregistrée.",
        f"Le parcours n° {parcours.pk} de l'enfant n° {eps['lea'].pk} est ouvert.",
    ]
    # An entry is final: deciding again changes nothing.
    again = _decide(client, referent_pre, eps["s_lea"], DecisionEPS.AJOURNE)
    assert again.status_code == 200 and Parcours.objects.count() == 1


@pytest.mark.parametrize("decision", [DecisionEPS.ORIENTATION, DecisionEPS.AJOURNE])
def test_other_decisions_open_no_pathway(client, eps, referent_pre, decision):
    _decide(client, referent_pre, eps["s_lea"], decision, "Orientée vers le CMP")
    eps["s_lea"].refresh_from_db()
    assert eps["s_lea"].decision == decision
    assert not Parcours.objects.exists()


def test_a_decision_must_be_chosen(client, eps, referent_pre):
    response = _decide(client, referent_pre, eps["s_lea"], "")
    assert "Choisissez la décision de la commission." in _text(response)
    eps["s_lea"].refresh_from_db()
    assert eps["s_lea"].decision == ""


def test_at_the_cap_the_entry_goes_to_the_waiting_list_with_a_warning(
    client, eps, contrat, referent_pre
):
    ConfigurationPRE.objects.create(contrat=contrat, plafond_file_active=2)
    for _ in range(2):
        Parcours.objects.create(
            enfant=EnfantFactory(contrat=contrat), etat=EtatParcours.ACTIF,
            date_entree=datetime.date(2026, 1, 5),
        )  # fmt: skip
    # A closed and a waiting pathway do not count in the active file.
    Parcours.objects.create(enfant=EnfantFactory(contrat=contrat), etat=EtatParcours.EN_ATTENTE)

    response = _decide(client, referent_pre, eps["s_lea"], DecisionEPS.ENTREE)

    parcours = Parcours.objects.get(enfant=eps["lea"])
    assert (parcours.etat, parcours.date_entree) == (EtatParcours.EN_ATTENTE, None)
    assert _messages(response)[-1] == (
        "La file active a atteint son plafond (2) : le parcours est inscrit en liste d'attente."
    )


def test_below_the_cap_the_entry_is_active(client, eps, contrat, referent_pre):
    ConfigurationPRE.objects.create(contrat=contrat, plafond_file_active=2)
    Parcours.objects.create(
        enfant=EnfantFactory(contrat=contrat), etat=EtatParcours.ACTIF,
        date_entree=datetime.date(2026, 1, 5),
    )  # fmt: skip
    _decide(client, referent_pre, eps["s_lea"], DecisionEPS.ENTREE)
    assert Parcours.objects.get(enfant=eps["lea"]).etat == EtatParcours.ACTIF


def test_the_default_cap_is_35(eps, contrat, referent_pre):
    from pre.services_eps import parcours_ouvrir

    for _ in range(35):
        Parcours.objects.create(
            enfant=EnfantFactory(contrat=contrat), etat=EtatParcours.ACTIF,
            date_entree=datetime.date(2026, 1, 5),
        )  # fmt: skip
    parcours = parcours_ouvrir(
        reperage=eps["reperage_sam"], user=referent_pre, date=datetime.date(2026, 10, 8)
    )
    assert parcours.etat == EtatParcours.EN_ATTENTE
    assert parcours.avertissement == (
        "La file active a atteint son plafond (35) : le parcours est inscrit en liste d'attente."
    )


# Query counts ------------------------------------------------------------------------------


def test_the_commission_list_takes_a_constant_number_of_queries(
    client, eps, referent_pre, django_assert_num_queries
):
    client.force_login(referent_pre)

    def liste():
        # session, user, roles, current contract, can_manage, the commissions with their
        # team and counts, the header's contract switcher and organisation
        with django_assert_num_queries(8):
            response = client.get(COMMISSIONS)
        return len(response.context["commissions"])

    assert liste() == 2
    for jour in range(1, 5):
        commission = CommissionFactory(equipe=eps["est"], date=datetime.date(2026, 12, jour))
        SituationCommission.objects.create(commission=commission, reperage=ReperageFactory(
            enfant=EnfantFactory(contrat=eps["est"].contrat)))  # fmt: skip
    assert liste() == 6


def test_the_team_list_takes_a_constant_number_of_queries(
    client, eps, referent_pre, django_assert_num_queries
):
    client.force_login(referent_pre)

    def liste():
        # session, user, roles, current contract, can_manage, the teams, their members,
        # the header's contract switcher and organisation
        with django_assert_num_queries(9):
            response = client.get(EQUIPES)
        return len(response.context["equipes"])

    assert liste() == 2
    EquipeFactory(contrat=eps["est"].contrat, nom="Nord", membres=[referent_pre])
    assert liste() == 3


def test_the_api_list_takes_a_constant_number_of_queries(
    client, eps, referent_pre, django_assert_num_queries
):
    client.force_login(referent_pre)

    def liste():
        # session, user, roles (read rule), commissions with counts, count of the page
        with django_assert_num_queries(5):
            data = client.get(API_COMMISSIONS).json()
        return len(data.get("results", data))

    assert liste() == 2
    CommissionFactory(equipe=eps["est"], date=datetime.date(2026, 12, 3))
    assert liste() == 3
