"""JSON logs on stdout, one object per line, carrying request id or job id when there is one.

structlog renders our own events; the standard library's loggers (uvicorn, arq, SQLAlchemy) go
through the same renderer, so every line of a process has one shape. Context (``request_id``,
``job_id``...) is bound with ``structlog.contextvars`` and follows the task that handles it.
"""

from __future__ import annotations

import logging
import sys

import structlog
from structlog.typing import Processor

from pickey_core.settings import PickeySettings


def configure_logging(settings: PickeySettings) -> None:
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
    ]
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if settings.log_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _bind_service(settings.service_name),
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "arq", "arq.worker"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # One access line per request comes from our middleware, with the request id.
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("arq.worker").addFilter(_drop_routine_worker_lines)


# arq logs its health heartbeat and every run of our frequent cron jobs (outbox sweep, scheduled
# publishing; every few seconds) at INFO;
# they drown the lines that matter. Health is in Redis and metrics, sweeps in their own logs.
_ROUTINE = ("recording health", "outbox.sweep", "posts.publish_due")


def _drop_routine_worker_lines(record: logging.LogRecord) -> bool:
    message = record.getMessage()
    return not any(routine in message for routine in _ROUTINE)


def _bind_service(service: str) -> Processor:
    def processor(
        logger: object, method: str, event: structlog.typing.EventDict
    ) -> structlog.typing.EventDict:
        event.setdefault("service", service)
        return event

    return processor
