"""Background work in the database: jobs enqueued in the caller's transaction and periodic tasks
registered in code, run by ``hetao worker`` (at least once, with a lease; handlers are idempotent)."""

from hetao.jobs.models import Job, JobState, PeriodicRun
from hetao.jobs.queue import JobCounts, enqueue_job, job_counts, list_jobs, list_periodic, retry_job
from hetao.jobs.registry import Registry, WorkContext, register_job, register_periodic, registry
from hetao.jobs.worker import RunReport, Worker

__all__ = [
    "Job",
    "JobCounts",
    "JobState",
    "PeriodicRun",
    "Registry",
    "RunReport",
    "WorkContext",
    "Worker",
    "enqueue_job",
    "job_counts",
    "list_jobs",
    "list_periodic",
    "register_job",
    "register_periodic",
    "registry",
    "retry_job",
]
