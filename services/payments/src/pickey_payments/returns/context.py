"""What handling a gateway return needs, as one object (see :class:`ReturnContext`)."""

from __future__ import annotations

from dataclasses import dataclass

from pickey_core.resources import Resources
from pickey_payments.billing_config import BillingConfig
from pickey_payments.gateway import Gateway
from pickey_payments.returns.replays import PaidReturns


@dataclass(frozen=True)
class ReturnContext:
    """What handling a gateway return needs, read from the app in one dependency: the return is
    the route a browser refresh or a bot replays most, and FastAPI spends a solving pass on each
    dependency (a fifth of a replay's time with five of them, issue 14's profile)."""

    resources: Resources
    gateway: Gateway
    billing: BillingConfig
    paid_returns: PaidReturns
