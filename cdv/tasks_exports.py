"""Celery tasks of the background exports: thin wrappers around cdv.services_exports."""

from celery import shared_task

from cdv import services_exports


@shared_task(acks_late=True, soft_time_limit=30 * 60, time_limit=31 * 60)
def construire_export(export_id):
    """Build one export; failures are recorded on the export itself, never retried."""
    services_exports.export_construire(export_id=export_id)


@shared_task
def purger_exports():
    return services_exports.exports_purger()
