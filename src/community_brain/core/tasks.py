"""Background tasks of the core: running imports. Run by ``brain worker``."""

from __future__ import annotations

from django_tasks import task

from community_brain.core import importing


@task(queue_name="imports")
def validate_import(job_id: int) -> None:
    importing.validate_job(job_id)


@task(queue_name="imports")
def commit_import(job_id: int) -> None:
    importing.commit_job(job_id)
