"""The PRE's foundation: identities encrypted at rest, reached only by the PRE's staff and,
for the children on their commissions' agendas, by EPS members; never shown by a record's
name; the log of reads kept for the coordinator alone."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from cdv.enums import RoleCode
from pre.enums import EtatParcours, MotifSortie
from pre.models import ConfigurationPRE, Enfant, JournalAcces, Parcours, SituationCommission
from tests import factories
from tests.pre.factories import CommissionFactory, EnfantFactory, EquipeFactory, ReperageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enfants(contrat, membre_eps):
    """Léa is on the agenda of a commission of the member's team; Noé is not."""
    lea = EnfantFactory(contrat=contrat, nom="Martinez", prenom="Léa")
    noe = EnfantFactory(contrat=contrat, nom="Bernard", prenom="Noé")
    commission = CommissionFactory(equipe=EquipeFactory(contrat=contrat, membres=[membre_eps]))
    SituationCommission.objects.create(commission=commission, reperage=ReperageFactory(enfant=lea))
    autre = CommissionFactory(equipe=EquipeFactory(contrat=contrat, nom="Est"))
    SituationCommission.objects.create(commission=autre, reperage=ReperageFactory(enfant=noe))
    return {"lea": lea, "noe": noe}


def test_identities_are_encrypted_in_the_database(enfants):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nom, prenom, date_naissance FROM pre_enfant WHERE id = %s",
            [enfants["lea"].pk],
        )
        stored = " ".join(cursor.fetchone())
    assert "Martinez" not in stored and "Léa" not in stored and "2015" not in stored
    lea = Enfant.objects.get(pk=enfants["lea"].pk)
    assert (lea.nom, lea.prenom, lea.date_naissance) == (
        "Martinez", "Léa", datetime.date(2015, 3, 14)
    )  # fmt: skip
    assert lea.annee_naissance == 2015


def test_a_childs_record_never_names_it(enfants):
    assert str(enfants["lea"]) == f"Enfant n° {enfants['lea'].pk}"
    assert "Martinez" not in repr(enfants["lea"])


def test_the_pre_staff_reach_the_children_of_their_contract(enfants, referent_pre, autre_contrat):
    assert set(Enfant.objects.for_user(referent_pre)) == {enfants["lea"], enfants["noe"]}
    ailleurs = factories.UserFactory(roles=[RoleCode.REFERENT_PRE], contrats=[autre_contrat])
    assert not Enfant.objects.for_user(ailleurs).exists()


def test_an_eps_member_reaches_only_the_children_on_its_commissions(enfants, membre_eps):
    assert list(Enfant.objects.for_user(membre_eps)) == [enfants["lea"]]


@pytest.mark.parametrize(
    "persona", ["agent_agglo", "lecteur", "partenaire_etat", "porteur", "coordinateur_gup",
                "superuser", "agent_autre_contrat"],
)  # fmt: skip
def test_no_other_role_reaches_a_child(enfants, persona, request):
    user = request.getfixturevalue(persona)
    assert not Enfant.objects.for_user(user).exists()
    assert not Parcours.objects.for_user(user).exists()
    assert not SituationCommission.objects.for_user(user).exists()


def test_the_log_of_reads_is_the_coordinators_and_append_only(enfants, contrat, referent_pre):
    coordinatrice = factories.UserFactory(roles=[RoleCode.REFERENT_PRE], contrats=[contrat])
    ConfigurationPRE.objects.create(contrat=contrat, coordinateur=coordinatrice)
    lecture = JournalAcces.objects.create(
        contrat=contrat, utilisateur=referent_pre, enfant_numero=enfants["lea"].pk, objet="fiche"
    )
    assert list(JournalAcces.objects.for_user(coordinatrice)) == [lecture]
    assert not JournalAcces.objects.for_user(referent_pre).exists()
    with pytest.raises(ValidationError):
        lecture.save()
    with pytest.raises(ValidationError):
        lecture.delete()


def test_the_active_file_of_a_year_is_every_pathway_open_during_it(enfants):
    def parcours(entree, sortie=None, etat=EtatParcours.ACTIF):
        return Parcours.objects.create(
            enfant=enfants["lea"], etat=etat, date_entree=entree, date_sortie=sortie,
            motif_sortie=MotifSortie.OBJECTIFS_ATTEINTS if sortie else "",
        )  # fmt: skip

    ouvert_2020 = parcours(datetime.date(2020, 10, 1))
    clos_2021 = parcours(datetime.date(2021, 1, 5), datetime.date(2021, 6, 30), EtatParcours.CLOS)
    clos_2019 = parcours(datetime.date(2019, 1, 5), datetime.date(2019, 6, 30), EtatParcours.CLOS)
    Parcours.objects.create(enfant=enfants["noe"], etat=EtatParcours.EN_ATTENTE)

    assert set(Parcours.objects.actifs_en(2021)) == {ouvert_2020, clos_2021}
    assert set(Parcours.objects.actifs_en(2019)) == {clos_2019}


def test_a_closed_pathway_needs_its_exit(enfants):
    parcours = Parcours(
        enfant=enfants["lea"], etat=EtatParcours.CLOS, date_entree=datetime.date(2021, 1, 5),
        axes=["scolarite", "inconnu"],
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        parcours.full_clean()
    assert set(error.value.message_dict) == {"axes", "date_sortie", "motif_sortie"}


def test_an_eps_member_loses_a_child_90_days_after_its_commission(contrat, membre_eps):
    equipe = EquipeFactory(contrat=contrat, membres=[membre_eps])
    today = timezone.localdate()
    enfants = {}
    for jours in (-30, 0, 90, 91):
        enfant = EnfantFactory(contrat=contrat)
        commission = CommissionFactory(equipe=equipe, date=today - datetime.timedelta(days=jours))
        SituationCommission.objects.create(
            commission=commission, reperage=ReperageFactory(enfant=enfant)
        )
        enfants[jours] = enfant
    # To come, today, 90 days ago: reached; 91 days ago: no longer.
    assert set(Enfant.objects.for_user(membre_eps)) == {enfants[-30], enfants[0], enfants[90]}
