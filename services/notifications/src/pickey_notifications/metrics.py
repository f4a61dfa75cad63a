"""The notifications service's own Prometheus metrics (alerts watch failed deliveries and a
provider that keeps asking us to wait)."""

from __future__ import annotations

from prometheus_client import Counter

DELIVERIES = Counter(
    "pickey_notification_deliveries_total",
    "Deliveries settled, by channel (email, realtime) and outcome (sent, failed).",
    ["channel", "outcome"],
)
PROVIDER_CALLS = Counter(
    "pickey_notification_provider_calls_total",
    "Calls to Mailgun and Pusher by outcome (accepted, rejected, rate_limited, unavailable).",
    ["provider", "outcome"],
)
DUPLICATE_SENDS_PREVENTED = Counter(
    "pickey_notification_duplicate_sends_prevented_total",
    "Deliveries a run asked to send that the ledger refused, because another run had claimed "
    "or already sent them (the duplicate-send guard; a steady rate means jobs run twice).",
    ["provider"],
)
