"""What the fake gateway remembers: merchants (number → public key), orders, WS message ids, and
the plan of what the next WS charges do."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

# getPaymentStatus: state / status per order state (the subset of GP's states the sandbox uses).
STATES: dict[str, tuple[str, str]] = {
    "pending": ("1", "PENDING"),
    "paid": ("7", "CAPTURED"),
    "authorised": ("4", "APPROVED"),
    "declined": ("13", "DECLINED"),
    "cancelled": ("20", "CANCELED"),
    "refunded": ("11", "REFUNDED"),
}


@dataclass
class Order:
    merchant_number: str
    order_number: str
    amount: str
    currency: str
    deposit_flag: str
    url: str
    fields: dict[str, str]
    state: str = "pending"
    prcode: str = ""
    srcode: str = ""
    recurring_master: bool = False
    master_order_number: str | None = None
    returned: bool = False
    # processRefund: minor units refunded so far, and each refund (messageId, amount).
    refunded: int = 0
    refunds: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class WsStep:
    """One planned WS answer: ``decline`` (fault with codes), ``fault``, ``timeout`` (the charge
    is made, the answer comes ``seconds`` late), ``bad_signature`` (answer signed wrongly)."""

    kind: str
    primary: int = 30
    secondary: int = 1002
    seconds: float = 0.0


@dataclass
class GatewayStore:
    merchants: dict[str, rsa.RSAPublicKey] = field(default_factory=dict)
    orders: dict[tuple[str, str], Order] = field(default_factory=dict)
    message_ids: set[str] = field(default_factory=set)
    ws_plan: list[WsStep] = field(default_factory=list)

    def next_ws_step(self) -> WsStep | None:
        return self.ws_plan.pop(0) if self.ws_plan else None
