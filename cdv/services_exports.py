"""Exports built in the background: the registry of kinds, the request, the build by the
Celery task, the purge. See docs/exports.md for the pattern a new export follows."""

import datetime
import logging
from collections.abc import Callable
from io import BytesIO
from types import SimpleNamespace
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from cdv.enums import RoleCode
from cdv.models import Contrat
from cdv.models_exports import EtatExport, Export
from cdv.perms import EVALUATION_ROLES

logger = logging.getLogger(__name__)

MESSAGE_ECHEC = (
    "La production du fichier a échoué. Demandez-le à nouveau ; si l'échec se répète, "
    "signalez-le à l'équipe qui administre la plateforme."
)


class ExportImpossible(Exception):
    """Raised by a builder with a French message the user reads on the export's page."""


class TypeExport(NamedTuple):
    """A kind of export: its label, `builder(*, user, contrat, params, progression)` returning
    an openpyxl Workbook (or the text of a CSV file when `extension` is "csv"), who may ask
    for it, the form validating its parameters (built as `formulaire(data, contrat=contrat)`),
    the start of its file's name and its extension."""

    libelle: str
    builder: Callable
    autorise: Callable = lambda user: user.is_authenticated
    formulaire: type | None = None
    prefixe: str = "export"
    extension: str = "xlsx"


EXPORTS = {}


def export_enregistrer(kind, libelle, builder, **options):
    """Add a kind to the registry (tests register their own small builders this way)."""
    EXPORTS[kind] = TypeExport(libelle, builder, **options)
    return EXPORTS[kind]


def trop_gros(nb_lignes):
    """True when an export of `nb_lignes` rows must be built by a task rather than in the
    request (setting EXPORT_SYNC_MAX_LIGNES)."""
    return nb_lignes > getattr(settings, "EXPORT_SYNC_MAX_LIGNES", 5000)


# Requests and builds ------------------------------------------------------------------------


def export_demander(*, user, contrat, kind, params):
    """Record the request of an export and queue its build once the transaction commits.

    The same export (user, contract, kind, parameters) still waiting or being built is
    returned instead of a second one (a double click, a reload). PermissionDenied when the
    user may not ask for it; ValidationError (French) on an unknown kind or bad parameters.
    """
    from cdv.tasks_exports import construire_export

    type_export = EXPORTS.get(kind)
    if type_export is None:
        raise ValidationError("Ce type d'export n'existe pas.")
    if not type_export.autorise(user):
        raise PermissionDenied
    if not Contrat.objects.for_user(user).filter(pk=contrat.pk).exists():
        raise PermissionDenied
    if type_export.formulaire is not None:
        form = type_export.formulaire(params, contrat=contrat)
        if not form.is_valid():
            raise ValidationError(form.errors)
        params = form.cleaned_data
    with transaction.atomic():
        en_cours = (
            Export.objects.for_user(user)
            .filter(contrat=contrat, kind=kind, params=params)
            .filter(etat__in=[EtatExport.EN_ATTENTE, EtatExport.EN_COURS])
            .first()
        )
        if en_cours is not None:
            return en_cours
        export = Export(user=user, contrat=contrat, kind=kind, params=params)
        export.full_clean()
        export.save()
        transaction.on_commit(lambda: construire_export.delay(export.pk))
    return export


def _mettre_a_jour(export_id, **champs):
    # An UPDATE in autocommit: the polling page sees each step while the build goes on.
    Export.objects.filter(pk=export_id).update(**champs)


def _octets(contenu):
    """A builder's workbook, or CSV text, as the bytes of its file."""
    if isinstance(contenu, str):
        return contenu.encode("utf-8")
    buffer = BytesIO()
    contenu.save(buffer)
    return buffer.getvalue()


def export_construire(*, export_id):
    """Build the export's workbook, save it and mark it ready; on any error mark it failed
    with a French message and log the error. A finished export is left as it is (the task
    may be delivered twice)."""
    export = Export.objects.select_related("user", "contrat").filter(pk=export_id).first()
    if export is None or export.est_termine:
        return
    type_export = EXPORTS.get(export.kind)
    _mettre_a_jour(export.pk, etat=EtatExport.EN_COURS, progression=0, message="Démarrage…")

    def progression(pct, message=""):
        _mettre_a_jour(export.pk, progression=max(0, min(100, int(pct))), message=message[:255])

    try:
        if type_export is None:
            raise ExportImpossible("Ce type d'export n'existe plus.")
        if not export.user.is_active or not type_export.autorise(export.user):
            raise ExportImpossible("Vous n'avez plus accès à cet export.")
        contenu = type_export.builder(
            user=export.user, contrat=export.contrat, params=export.params, progression=progression
        )
        progression(99, "Enregistrement du fichier…")
        export.fichier.save(
            f"export.{type_export.extension}", ContentFile(_octets(contenu)), save=False
        )
    except Exception as erreur:
        logger.exception("Export %s (%s) failed", export.pk, export.kind)
        message = str(erreur) if isinstance(erreur, ExportImpossible) else MESSAGE_ECHEC
        _mettre_a_jour(
            export.pk, etat=EtatExport.ECHEC, message=message[:255], termine_le=timezone.now()
        )
        return
    _mettre_a_jour(
        export.pk,
        etat=EtatExport.PRET,
        progression=100,
        message="Le fichier est prêt.",
        fichier=export.fichier.name,
        taille=export.fichier.size,
        termine_le=timezone.now(),
    )


def exports_purger(*, maintenant=None):
    """Delete the exports (and their files) requested more than EXPORT_CONSERVATION_JOURS
    days ago; returns how many."""
    maintenant = maintenant or timezone.now()
    jours = getattr(settings, "EXPORT_CONSERVATION_JOURS", 7)
    anciens = Export.objects.filter(cree_le__lt=maintenant - datetime.timedelta(days=jours))
    nombre = 0
    for export in anciens.iterator():
        if export.fichier:
            export.fichier.storage.delete(export.fichier.name)
        export.delete()
        nombre += 1
    return nombre


# The evaluation workbook ----------------------------------------------------------------------


def can_export_evaluation(user):
    """L'équipe politique de la ville, les financeurs et les partenaires lecteurs produisent
    le classeur d'évaluation de leurs contrats (cdv.evaluation.can_build_classeur_evaluation
    pour un contrat donné)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(*EVALUATION_ROLES)


class PeriodeEvaluationForm(forms.Form):
    """The period of the evaluation: years within the contract's, the first before the last."""

    annee_debut = forms.IntegerField(label="Année de début")
    annee_fin = forms.IntegerField(label="Année de fin")

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.contrat = contrat
        for field in self.fields.values():
            field.min_value, field.max_value = contrat.annee_debut, contrat.annee_fin
            field.widget.attrs.update(min=contrat.annee_debut, max=contrat.annee_fin)
            field.help_text = f"Entre {contrat.annee_debut} et {contrat.annee_fin}."
            field.error_messages["invalid"] = "Saisissez une année (exemple : 2016)."

    def clean(self):
        cleaned = super().clean()
        contrat = self.contrat
        for name in ("annee_debut", "annee_fin"):
            annee = cleaned.get(name)
            if annee is not None and not contrat.annee_debut <= annee <= contrat.annee_fin:
                self.add_error(
                    name,
                    f"Le contrat court de {contrat.annee_debut} à {contrat.annee_fin} : "
                    f"choisissez une année entre les deux.",
                )
        debut, fin = cleaned.get("annee_debut"), cleaned.get("annee_fin")
        if debut is not None and fin is not None and debut > fin and not self.errors:
            self.add_error("annee_fin", "L'année de fin doit suivre l'année de début.")
        return cleaned


def _evaluation(*, user, contrat, params, progression):
    # Imported here: cdv.evaluation reads every module's selectors.
    from cdv.evaluation import classeur_evaluation

    return classeur_evaluation(
        user=user,
        contrat=contrat,
        annee_debut=params["annee_debut"],
        annee_fin=params["annee_fin"],
        progression=progression,
    )


# The programming table, when it is too big for the request -----------------------------------


def _peut_voir_programmation(user):
    from programmation.perms import can_view_programmation

    return can_view_programmation(user)


def _selection_actions(*, user, contrat, params, progression):
    """The selection of the programming table for the criteria the page had
    (params["criteres"], a query string), its rows and those criteria."""
    from programmation import tableau

    criteres = QueryDict(params.get("criteres", ""))
    # tableau.selection() reads the criteria and the user from a request, nothing else.
    selection = tableau.selection(SimpleNamespace(GET=criteres, user=user), contrat=contrat)
    progression(10, "Sélection des actions…")
    donnees = tableau.tableau_programmation(user=user, actions=selection.actions)
    return selection, donnees, criteres


def _tableau_actions(*, user, contrat, params, progression):
    """The workbook of programmation's Excel export: the same selection and figures."""
    from programmation import exports_tableau, tableau

    selection, donnees, criteres = _selection_actions(
        user=user, contrat=contrat, params=params, progression=progression
    )
    progression(50, "Calcul de l'évolution annuelle…")
    evolution = tableau.evolution(user=user, actions=selection.toutes_annees)
    progression(70, "Écriture du classeur…")
    return exports_tableau.tableau_workbook(
        donnees,
        evolution,
        choisies=exports_tableau.colonnes_choisies(criteres),
        titre=f"Programmation du {contrat.nom}",
    )


def _tableau_actions_csv(*, user, contrat, params, progression):
    """The text of programmation's CSV export: the same selection and figures."""
    from programmation import exports_tableau

    _, donnees, criteres = _selection_actions(
        user=user, contrat=contrat, params=params, progression=progression
    )
    progression(70, "Écriture du fichier…")
    return exports_tableau.csv_texte(donnees, choisies=exports_tableau.colonnes_choisies(criteres))


def _peut_importer(user):
    return user.is_superuser or user.has_role(RoleCode.ADMIN_PDV)


def _programmation_import(*, user, contrat, params, progression):
    """The contract's programmation as the user sees it, in the layout of its import."""
    from programmation import perms
    from programmation.imports import programmation_export_rows, programmation_workbook
    from programmation.models import Action

    if not perms.can_import_programmation(user, contrat):
        raise ExportImpossible(
            "Seule l'équipe politique de la ville du contrat produit ce fichier."
        )
    actions = Action.objects.for_user(user).filter(appel__contrat=contrat)
    progression(10, "Lecture des actions…")
    rows = programmation_export_rows(actions)
    progression(70, "Écriture du classeur…")
    return programmation_workbook(contrat=contrat, rows=rows)


export_enregistrer(
    "evaluation",
    "Classeur d'évaluation du contrat",
    _evaluation,
    autorise=can_export_evaluation,
    formulaire=PeriodeEvaluationForm,
    prefixe="evaluation",
)
export_enregistrer(
    "tableau_actions",
    "Tableau de programmation",
    _tableau_actions,
    autorise=_peut_voir_programmation,
    prefixe="programmation",
)
export_enregistrer(
    "tableau_actions_csv",
    "Tableau de programmation (CSV)",
    _tableau_actions_csv,
    autorise=_peut_voir_programmation,
    prefixe="programmation",
    extension="csv",
)
export_enregistrer(
    "programmation_import",
    "Programmation au format de l'import",
    _programmation_import,
    autorise=_peut_importer,
    prefixe="programmation-import",
)
