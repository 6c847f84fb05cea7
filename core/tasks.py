"""Background tasks, run by `manage.py procrastinate worker` (found by procrastinate's
Django autodiscovery of `tasks` modules)."""

from procrastinate.contrib.django import app

from . import jobs


@app.task(queue=jobs.QUEUE, name=jobs.RUN_TASK)
def run_layer_job(job_id: int) -> None:
    jobs.run_job(job_id)


@app.periodic(cron="17 * * * *")
@app.task(queue=jobs.QUEUE, name="spatial.purge_layer_jobs")
def purge_layer_jobs(timestamp: int) -> int:
    return jobs.jobs_purge()
