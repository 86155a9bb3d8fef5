from django.contrib.auth import authenticate

from cdv.enums import RoleCode
from cdv.models import User
from tests import factories


def test_it_grants_the_admin_pdv_the_contract_frame(agent_agglo):
    assert agent_agglo.has_perm("cdv.change_contrat")
    assert agent_agglo.has_perm("cdv.add_reunion")
    assert not agent_agglo.has_perm("cdv.delete_user")
    assert agent_agglo.is_staff


def test_it_lets_the_instructor_only_read_the_frame(partenaire_etat):
    assert partenaire_etat.has_perm("cdv.view_pilier")
    assert not partenaire_etat.has_perm("cdv.change_pilier")


def test_it_keeps_readers_and_porteurs_out_of_the_back_office(lecteur, porteur):
    for user in (lecteur, porteur):
        assert not user.is_staff
        assert not user.has_perm("cdv.view_contrat")


def test_an_inactive_user_has_no_permission(db):
    user = factories.UserFactory(roles=[RoleCode.ADMIN_PDV], is_active=False)
    assert not user.has_perm("cdv.view_contrat")
    assert not user.is_staff


def test_it_logs_in_with_the_email_whatever_its_case(agent_agglo):
    user = authenticate(username="  Agent@AGGLO.fr ", password=factories.DEFAULT_PASSWORD)
    assert user == agent_agglo


def test_a_user_may_hold_several_roles(contrat):
    user = factories.UserFactory(roles=[RoleCode.LECTEUR_PARTENAIRE, RoleCode.COORDINATEUR_GUP])
    assert user.has_role(RoleCode.COORDINATEUR_GUP)
    assert not user.has_role(RoleCode.ADMIN_PDV)


def test_createsuperuser_makes_a_staff_superuser(db):
    user = User.objects.create_superuser("Root@Exemple.fr", "x", is_staff=True)
    assert user.email == "root@exemple.fr"
    assert user.is_superuser and user.is_staff
