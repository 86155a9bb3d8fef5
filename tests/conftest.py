"""The shared cast of personas.

Two contracts of two EPCIs. `contrat` is the one most personas work on; `autre_contrat`
belongs to another agglomeration, and its agent is the "user of another contract".
"""

import importlib

import pytest
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate

from cdv.enums import RoleCode
from tests import factories

# The data migrations that fill reference tables (roles, ANCT themes, TFPB axes, the national
# territories).
REFERENCE_MIGRATIONS = [
    ("cdv.migrations.0002_create_roles", "create_roles"),
    ("cdv.migrations.0003_load_thematiques_anct", "load"),
    ("gup.migrations.0002_axes_tfpb", "create"),
    ("quartiers.migrations.0003_reference_territories", "load_national"),
]


def _reload_reference_data(sender, apps=None, **kwargs):
    """A transactional test flushes the database after it, reference data included; the flush
    then sends post_migrate, and this loads that data again (idempotently), so the next test,
    whatever its kind and whichever worker runs it, finds the database as the migrations left it."""
    if sender.label != "cdv":
        return
    for module, function in REFERENCE_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps or global_apps, None)


post_migrate.connect(_reload_reference_data, dispatch_uid="tests-reference-data")


@pytest.fixture
def contrat(db):
    return factories.ContratFactory(nom="Contrat de ville de Carcassonne Agglo", code="CN01102I")


@pytest.fixture
def autre_contrat(db):
    return factories.ContratFactory(nom="Contrat de ville du Grand Narbonne", code="CN01103I")


@pytest.fixture
def agent_agglo(contrat):
    """Agent of the agglo's politique de la ville team (admin PDV)."""
    return factories.UserFactory(
        email="agent@agglo.fr",
        organisation=contrat.epci,
        roles=[RoleCode.ADMIN_PDV],
        contrats=[contrat],
        est_admin_organisation=True,
    )


@pytest.fixture
def partenaire_etat(contrat):
    """Instructor of the État (préfecture), co-funder of the contract."""
    prefecture = factories.OrganisationFactory(etat=True, nom="Préfecture de l'Aude")
    return factories.UserFactory(
        email="instructeur@aude.gouv.fr",
        organisation=prefecture,
        roles=[RoleCode.INSTRUCTEUR_FINANCEUR],
        contrats=[contrat],
    )


@pytest.fixture
def lecteur(contrat):
    return factories.UserFactory(
        email="elu@ville.fr",
        organisation=factories.OrganisationFactory(commune_kind=True, nom="Ville"),
        roles=[RoleCode.LECTEUR_PARTENAIRE],
        contrats=[contrat],
    )


@pytest.fixture
def porteur(contrat):
    """President of an association that applies for funding; administrator of its org."""
    return factories.UserFactory(
        email="presidente@asso.fr",
        organisation=factories.OrganisationFactory(nom="Association Quartiers Solidaires"),
        roles=[RoleCode.PORTEUR],
        est_admin_organisation=True,
    )


@pytest.fixture
def outsider(db):
    """Porteur of another organisation."""
    return factories.UserFactory(
        email="tresorier@autre-asso.fr",
        organisation=factories.OrganisationFactory(nom="Autre association"),
        roles=[RoleCode.PORTEUR],
    )


@pytest.fixture
def agent_autre_contrat(autre_contrat):
    """Admin PDV of another agglomeration's contract."""
    return factories.UserFactory(
        email="agent@narbonne.fr",
        organisation=autre_contrat.epci,
        roles=[RoleCode.ADMIN_PDV],
        contrats=[autre_contrat],
    )


@pytest.fixture
def superuser(db):
    return factories.UserFactory(email="root@cdv.local", is_superuser=True, organisation=None)


@pytest.fixture
def coordinateur_gup(contrat):
    """The agglo's GUP coordinator: every GUP record of the contract."""
    return factories.UserFactory(
        email="gup@agglo.fr",
        organisation=contrat.epci,
        roles=[RoleCode.COORDINATEUR_GUP],
        contrats=[contrat],
    )


@pytest.fixture
def bailleur(db):
    return factories.OrganisationFactory(bailleur=True, nom="Habitat Audois")


@pytest.fixture
def intervenant_gup(bailleur):
    """A social landlord's agent: the problems assigned to the landlord, its TFPB."""
    return factories.UserFactory(
        email="agent@habitat-audois.fr", organisation=bailleur, roles=[RoleCode.INTERVENANT_GUP]
    )


@pytest.fixture
def intervenant_ville(contrat):
    """An agent of the town's services, another responsible body."""
    return factories.UserFactory(
        email="services@ville.fr",
        organisation=factories.OrganisationFactory(commune_kind=True, nom="Ville de Carcassonne"),
        roles=[RoleCode.INTERVENANT_GUP],
    )


@pytest.fixture
def referent_pre(contrat):
    """A référent de parcours of the contract's PRE."""
    return factories.UserFactory(
        email="referente@pre.fr", roles=[RoleCode.REFERENT_PRE], contrats=[contrat]
    )


@pytest.fixture
def coordinateur_pre(contrat):
    """The coordinator of the contract's PRE (a référent named in its configuration)."""
    from pre.models import ConfigurationPRE

    user = factories.UserFactory(
        email="coordination@pre.fr", roles=[RoleCode.REFERENT_PRE], contrats=[contrat]
    )
    ConfigurationPRE.objects.update_or_create(contrat=contrat, defaults={"coordinateur": user})
    return user


@pytest.fixture
def membre_eps(contrat):
    """A member of an EPS team (a school nurse): only the children on its commissions."""
    return factories.UserFactory(
        email="infirmiere@college.fr", roles=[RoleCode.MEMBRE_EPS], contrats=[contrat]
    )
