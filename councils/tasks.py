import socket

from celery import shared_task

from councils import services


@shared_task(acks_late=True, ignore_result=True)
def worker_heartbeat(worker: str | None = None) -> None:
    services.worker_heartbeat_record(worker=worker or socket.gethostname())
