"""The Prometheus metrics every Pickey process exposes (names shared by dashboards and alerts)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUEST_DURATION = Histogram(
    "pickey_http_request_duration_seconds",
    "HTTP request latency by route template.",
    ["service", "method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
JOBS = Counter(
    "pickey_jobs_total",
    "Jobs finished, by outcome (succeeded, retried, failed, skipped).",
    ["queue", "job", "outcome"],
)
JOB_DURATION = Histogram(
    "pickey_job_duration_seconds",
    "Job run time.",
    ["queue", "job"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300),
)
QUEUE_DEPTH = Gauge("pickey_queue_depth", "Jobs waiting in an arq queue.", ["queue"])
OUTBOX_PENDING = Gauge("pickey_outbox_unfinished", "Outbox rows whose job has not completed yet.")
PAYMENTS_SETTLED = Counter(
    "pickey_payments_settled_total",
    "Payments that reached a final state (paid, failed, cancelled), by kind.",
    ["kind", "state"],
)
GATEWAY_RETURNS_REJECTED = Counter(
    "pickey_gateway_returns_rejected_total",
    "Browser returns from the card gateway refused (bad or missing signature, unknown order).",
    ["reason"],
)
GATEWAY_RETURN_DIGEST_VARIANTS = Counter(
    "pickey_gateway_return_digest_variants_total",
    "Verified card-gateway returns by the reading of the digest's field list that verified "
    "(USERPARAM1 signed or not, blank fields as slots or skipped; 'any' when all agree).",
    ["variant"],
)
PAYMENT_ANOMALIES = Counter(
    "pickey_payment_anomalies_total",
    "Gateway answers a person must look at: contradictory results for a settled payment, "
    "duplicate order numbers, field errors (our bug), configuration errors (keys, merchant).",
    ["kind"],
)
WEBHOOK_SIGNATURE_FAILURES = Counter(
    "pickey_webhook_signature_failures_total",
    "Webhook requests refused because their signature was missing, malformed, expired or wrong "
    "(a spike: a forger, a replay, or a secret rotated on one side only).",
    ["provider"],
)
QUEUE_OLDEST_JOB_AGE = Gauge(
    "pickey_queue_oldest_job_age_seconds",
    "How long the oldest job that is due has waited in an arq queue (0 when none is due).",
    ["queue"],
)
REDIS_OUTAGE_RETRIES = Counter(
    "pickey_worker_redis_unreachable_total",
    "Worker poll iterations that found Redis unreachable and backed off (the worker stays up).",
    ["queue"],
)
OUTBOX_REDIS_DATA_LOSS = Counter(
    "pickey_outbox_redis_data_loss_total",
    "Times the outbox sweeper found Redis's marker key gone (Redis lost its data) and re-pushed "
    "every unfinished outbox row at once.",
)
DEPENDENCY_UNAVAILABLE = Counter(
    "pickey_http_dependency_unavailable_total",
    "Requests answered 503 because PostgreSQL or Redis failed or timed out.",
    ["service", "dependency"],
)
