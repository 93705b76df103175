"""The request id travels from the request to the worker with the task (django-tasks-db).

A task enqueued while a request is handled stores that request's id beside its arguments
(``args_kwargs["request_id"]``, set before the row's INSERT, so no query is added; the worker does
not pass it to the task); when a worker starts the task it binds the id again, so the worker's log
lines for that task carry it. Registered in ``DeadlinesConfig.ready()``.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from django.db.models.signals import pre_save
from django.db.utils import DatabaseError
from django_tasks.base import TaskResult
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from mpp import requestid

logger = logging.getLogger(__name__)

# The request id a worker bound for the task it runs, by task id (reset when the task finishes).
_bound: dict[str, contextvars.Token[str]] = {}


def store_request_id(
    sender: Any, instance: DBTaskResult[..., Any], raw: bool = False, **kwargs: Any
) -> None:
    request_id = requestid.current()
    if raw or not request_id or not instance._state.adding:
        return
    if isinstance(instance.args_kwargs, dict):
        instance.args_kwargs = {**instance.args_kwargs, "request_id": request_id}


def bind_request_id(sender: Any, task_result: TaskResult[Any], **kwargs: Any) -> None:
    backend_class = sender if isinstance(sender, type) else type(sender)  # a class or an instance
    if not issubclass(backend_class, DatabaseBackend):
        return  # the immediate backend runs the task inside the request: the id is bound already
    try:
        stored = (
            DBTaskResult.objects.filter(id=task_result.id)
            .values_list("args_kwargs", flat=True)
            .first()
        )
    except DatabaseError:
        logger.warning("task %s: request id not read", task_result.id)
        return
    request_id = str((stored or {}).get("request_id") or "") if isinstance(stored, dict) else ""
    if request_id:
        _bound[task_result.id] = requestid.bind(request_id)
        logger.info("task %s started: %s", task_result.id, task_result.task.module_path)


def unbind_request_id(sender: Any, task_result: TaskResult[Any], **kwargs: Any) -> None:
    token = _bound.pop(task_result.id, None)
    if token is not None:
        logger.info("task %s finished: %s", task_result.id, task_result.status)
        requestid.unbind(token)


def connect() -> None:
    from django_tasks.signals import task_finished, task_started

    pre_save.connect(store_request_id, sender=DBTaskResult, dispatch_uid="mpp_task_request_id")
    task_started.connect(bind_request_id, dispatch_uid="mpp_task_bind_request_id")
    task_finished.connect(unbind_request_id, dispatch_uid="mpp_task_unbind_request_id")
