"""The one rule for logging a refused webhook or gateway return, whoever the provider.

Every refusal (a forged, stale, replayed or unreadable Mux or Mailgun webhook, a GP webpay return
that does not verify) logs one warning, ``webhook refused``, with ``provider`` and ``reason`` (a
short code), and only context that is ours and not secret: never the signature, the token, the
signing key or the body (which may carry a person's address). Signature problems also count in
``pickey_webhook_signature_failures_total``, whose spike is the alert.
"""

from __future__ import annotations

import structlog

from pickey_core.observability.metrics import WEBHOOK_SIGNATURE_FAILURES

logger = structlog.get_logger("pickey.webhooks")


def webhook_refused(
    provider: str,
    reason: str,
    *,
    detail: str | None = None,
    signature_failure: bool = False,
    **context: str | None,
) -> None:
    """Log (and, for a signature problem, count) one refused webhook."""
    if signature_failure:
        WEBHOOK_SIGNATURE_FAILURES.labels(provider).inc()
    logger.warning("webhook refused", provider=provider, reason=reason, detail=detail, **context)
