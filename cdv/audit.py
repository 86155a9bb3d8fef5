"""The audit trail (issue 9 §2): every create, update and delete of the domain's records kept
with who, when and what changed (django-auditlog), shown to staff in each record's history.

Registered: every model of the project's apps except those that are themselves a log
(workflow steps, GUP events, the PRE's read log), technical rows and bulk reference data.
Never recorded: encrypted fields (PRE and CitésLab identities, notes — the trail must not hold
in clear what the database holds encrypted), passwords and version counters. For the PRE and
CitésLab, whose free texts may name a child or a resident, the trail keeps which fields changed
but none of their values, and names the record by its number only.
"""

from auditlog.middleware import AuditlogMiddleware
from auditlog.registry import auditlog
from django.apps import apps
from django.db.models.signals import pre_save
from django.utils.functional import SimpleLazyObject

PROJECT_APPS = ["cdv", "programmation", "quartiers", "gup", "pre", "citeslab"]
NON_JOURNALISES = {
    "cdv.Role",
    "cdv.Export",
    "programmation.TransitionAction",
    "programmation.Message",
    "programmation.Relance",
    "quartiers.Territoire",
    "quartiers.ValeurIndicateur",
    "gup.EvenementSignalement",
    "pre.JournalAcces",
}
CHAMPS_EXCLUS = {"password", "last_login", "version", "modifiee_le", "modifiee_par"}
# Records whose state changes are their workflow's own append-only log (TransitionAction,
# EvenementSignalement), shown on their page: the trail does not repeat them.
ETAT_DANS_SON_HISTORIQUE = {"programmation.Action", "gup.Signalement"}
# Apps whose records concern identified minors or residents: values never kept.
APPS_MASQUEES = {"pre", "citeslab"}
MASQUE = "(masqué)"


def _chiffre(field):
    return type(field).__module__.startswith("encrypted_fields")


def _masquer(sender, instance, **kwargs):
    """Before an entry about a PRE or CitésLab record is written: no value, no label."""
    content_type = instance.content_type
    if content_type.app_label not in APPS_MASQUEES:
        return
    model = content_type.model_class()
    nom = model._meta.verbose_name if model else content_type.model
    instance.object_repr = f"{nom} n° {instance.object_pk}"
    instance.changes = {champ: [MASQUE, MASQUE] for champ in (instance.changes or {})}
    instance.serialized_data = None


def enregistrer():
    """Register the audited models (called once, from CdvConfig.ready())."""
    from auditlog.models import LogEntry

    pre_save.connect(_masquer, sender=LogEntry, dispatch_uid="cdv-audit-masquer")
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in NON_JOURNALISES or auditlog.contains(model):
                continue
            exclus = [
                field.name
                for field in model._meta.concrete_fields
                if field.name in CHAMPS_EXCLUS or _chiffre(field)
            ]
            if model._meta.label in ETAT_DANS_SON_HISTORIQUE:
                exclus.append("etat")
            auditlog.register(model, exclude_fields=exclus)


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware, the actor read when an entry is written: an API request is
    authenticated by DRF (token) inside the view, after the middlewares ran."""

    @staticmethod
    def _get_actor(request):
        def utilisateur():
            user = getattr(request, "user", None)
            return user if user is not None and user.is_authenticated else None

        return SimpleLazyObject(utilisateur)


OPERATIONS = {0: "Création", 1: "Modification", 2: "Suppression", 3: "Consultation"}
JOURNAL_TAILLE = 100


def journal(obj):
    """The audit trail of `obj`, newest first (at most JOURNAL_TAILLE entries), each with its
    French `operation`. The caller has checked that the user may read the record's trail."""
    from auditlog.models import LogEntry

    entrees = list(
        LogEntry.objects.get_for_object(obj)
        .select_related("actor")
        .order_by("-timestamp")[:JOURNAL_TAILLE]
    )
    for entree in entrees:
        entree.operation = OPERATIONS.get(entree.action, "")
    return entrees
