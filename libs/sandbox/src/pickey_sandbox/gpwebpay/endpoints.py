"""The fake GP webpay's HTTP surface.

- ``GET/POST /pgw/order.do``: the HTTP API. Field problems, unknown merchants, bad digests and
  reused order numbers are answered as the gateway does: redirected to URL with a signed response
  (PRCODE 1-6, 11, 31, 14), or an error page when URL itself is unusable.
- ``/sandbox/gpwebpay/...``: the developer's page and the test controls: choose an outcome
  (``POST .../orders/{merchant}/{order}/outcome``, JSON), list orders, register a merchant's
  public key (as a merchant uploads it in GP's portal), plan WS answers, read the gateway's
  public key (``public-key.pem``).
- ``POST /pay-ws/v1/PaymentService``: the WS API (:mod:`pickey_sandbox.gpwebpay.ws`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from pickey_sandbox.config import SandboxConfig
from pickey_sandbox.gpwebpay import crypto, dev_keys
from pickey_sandbox.gpwebpay.order import (
    RESPONSE_FIELDS,
    Problem,
    check_fields,
    signed_values,
    url_problem,
)
from pickey_sandbox.gpwebpay.page import (
    PAGE_PATH,
    closed_page,
    error_page,
    overview_page,
    payment_page,
)
from pickey_sandbox.gpwebpay.store import GatewayStore, Order, WsStep
from pickey_sandbox.gpwebpay.ws import handle_ws

OUTCOMES: dict[str, tuple[int, int, str, str | None]] = {
    # outcome: PRCODE, SRCODE, RESULTTEXT, order state after it (None: unchanged)
    "paid": (0, 0, "OK", "paid"),
    "declined": (30, 1002, "Declined in authorization center", "declined"),
    "3ds_failed": (28, 3000, "Declined in 3D", "declined"),
    "cancelled": (50, 0, "The cardholder canceled the payment", "cancelled"),
    "technical": (1000, 0, "Technical problem", "declined"),
    # PRCODE 26 (filias's list): technical problem towards the authorisation centre; the
    # outcome is unknown to the shop, the card was not charged.
    "technical_26": (26, 0, "Technical problem in connection to authorization center", "declined"),
    # PRCODE 300: soft decline, the issuer requires SCA; the fan must pay by hand.
    "soft_decline": (300, 0, "Soft decline - issuer requires SCA", "declined"),
    # PRCODE 0 with a non-zero SRCODE: not 0/0, so not paid.
    "ok_with_srcode": (0, 1002, "Declined", "declined"),
    # A decline whose RESULTTEXT is sent in windows-1250, as some gateway versions do.
    "declined_cp1250": (30, 1002, "Zamítnuto v autorizačním centru", "declined"),
    "close_browser": (0, 0, "", None),
    "close_browser_paid": (0, 0, "", "paid"),
}


class OutcomeChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: str = Field(description=f"One of {sorted(OUTCOMES)}.")


class MerchantKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    merchant_number: str = Field(pattern=r"^[0-9]{1,10}$")
    public_key: str = Field(description="PEM public key the merchant signs with.")


class WsPlanStep(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    kind: str = Field(pattern="^(decline|fault|timeout|bad_signature)$")
    primary: int = 30
    secondary: int = 1002
    seconds: float = Field(default=0.0, ge=0, le=120)


class WsPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    next: list[WsPlanStep]


def create_router(config: SandboxConfig) -> APIRouter:
    key = crypto.load_gateway_key(
        config.gpwebpay_private_key.get_secret_value() if config.gpwebpay_private_key else None,
        config.gpwebpay_private_key_file,
    )
    store = GatewayStore()
    merchant_pem = config.gpwebpay_merchant_public_key or dev_keys.DEV_MERCHANT_PUBLIC_KEY
    if config.gpwebpay_merchant_public_key_file:
        with open(config.gpwebpay_merchant_public_key_file) as file:
            merchant_pem = file.read()
    store.merchants[config.gpwebpay_merchant_number] = crypto.load_public_key(merchant_pem)
    router = APIRouter(tags=["GP webpay"])

    def signed_return(
        order_fields: dict[str, str],
        prcode: int,
        srcode: int,
        text: str,
        text_encoding: str = "utf-8",
    ) -> str:
        response = {
            "OPERATION": order_fields.get("OPERATION", "CREATE_ORDER"),
            "ORDERNUMBER": order_fields.get("ORDERNUMBER", ""),
            "PRCODE": str(prcode),
            "SRCODE": str(srcode),
            "RESULTTEXT": text,
        }
        for echoed in ("MERORDERNUM", "MD", "USERPARAM1"):
            if echoed in order_fields:
                response[echoed] = order_fields[echoed]
        ordered: list[tuple[str, str | bytes]] = [
            (name, response[name].encode(text_encoding if name == "RESULTTEXT" else "utf-8"))
            for name in RESPONSE_FIELDS
            if name in response
        ]
        values = [value for _, value in ordered if isinstance(value, bytes)]
        merchant = order_fields.get("MERCHANTNUMBER", "").encode()
        ordered.append(("DIGEST", crypto.sign_message(key, b"|".join(values))))
        ordered.append(("DIGEST1", crypto.sign_message(key, b"|".join([*values, merchant]))))
        url = order_fields["URL"]
        separator = "&" if "?" in url else "?"
        return url + separator + urlencode(ordered, quote_via=quote, safe="")

    def refuse(fields: dict[str, str], problem: Problem) -> Response:
        return RedirectResponse(
            signed_return(fields, problem.prcode, problem.srcode, problem.text), status_code=302
        )

    @router.api_route("/pgw/order.do", methods=["GET", "POST"], summary="HTTP API (CREATE_ORDER)")
    async def order_do(request: Request) -> Response:
        raw = request.url.query
        if request.method == "POST":
            raw = (await request.body()).decode("utf-8", errors="replace")
        fields = dict(parse_qsl(raw, keep_blank_values=True))
        problem = url_problem(fields)
        if problem is not None:
            return HTMLResponse(error_page(problem.prcode, problem.srcode, problem.text), 400)
        problem = check_fields(fields)
        if problem is not None:
            return refuse(fields, problem)
        merchant = fields["MERCHANTNUMBER"]
        public_key = store.merchants.get(merchant)
        if public_key is None:
            return refuse(fields, Problem(11, 0, "Unknown merchant"))
        if not crypto.verifies(public_key, signed_values(fields), fields["DIGEST"]):
            return refuse(fields, Problem(31, 0, "Wrong digest"))
        number = fields["ORDERNUMBER"]
        if (merchant, number) in store.orders:
            return refuse(fields, Problem(14, 0, "Duplicate order number"))
        order = Order(
            merchant_number=merchant,
            order_number=number,
            amount=fields["AMOUNT"],
            currency=fields["CURRENCY"],
            deposit_flag=fields["DEPOSITFLAG"],
            url=fields["URL"],
            fields={name: value for name, value in fields.items() if name != "DIGEST"},
            recurring_master=fields.get("USERPARAM1") == "R",
        )
        store.orders[(merchant, number)] = order
        return HTMLResponse(payment_page(order))

    def choose(merchant: str, number: str, outcome: str) -> str | None:
        order = store.orders.get((merchant, number))
        if order is None:
            raise HTTPException(404, "no such order")
        if outcome not in OUTCOMES:
            raise HTTPException(422, f"outcome must be one of {sorted(OUTCOMES)}")
        if order.returned or order.state != "pending":
            raise HTTPException(409, "this order already has an outcome")
        prcode, srcode, text, state = OUTCOMES[outcome]
        if state is not None:
            order.state = "authorised" if state == "paid" and order.deposit_flag == "0" else state
        if outcome.startswith("close_browser"):
            return None
        order.prcode, order.srcode, order.returned = str(prcode), str(srcode), True
        encoding = "cp1250" if outcome.endswith("_cp1250") else "utf-8"
        return signed_return(order.fields, prcode, srcode, text, encoding)

    @router.post(f"{PAGE_PATH}/orders/{{merchant}}/{{number}}/choose", include_in_schema=False)
    async def choose_by_hand(merchant: str, number: str, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        location = choose(merchant, number, form.get("outcome", ""))
        if location is None:
            return HTMLResponse(closed_page())
        return RedirectResponse(location, status_code=303)

    @router.post(f"{PAGE_PATH}/orders/{{merchant}}/{{number}}/outcome", summary="Pick an outcome")
    def choose_by_test(merchant: str, number: str, choice: OutcomeChoice) -> dict[str, Any]:
        """What the page's buttons do, as JSON: ``redirect_url`` is where the browser would go
        (null for "close browser")."""
        location = choose(merchant, number, choice.outcome)
        return {"redirect_url": location, "order": store.orders[(merchant, number)].as_json()}

    @router.get(f"{PAGE_PATH}/orders", summary="Orders the gateway received")
    def list_orders() -> list[dict[str, Any]]:
        return [order.as_json() for order in store.orders.values()]

    @router.delete(f"{PAGE_PATH}/orders", status_code=204, summary="Forget orders and WS ids")
    def clear_orders() -> None:
        store.orders.clear()
        store.message_ids.clear()
        store.ws_plan.clear()

    @router.post(f"{PAGE_PATH}/merchants", status_code=204, summary="Register a merchant key")
    def register_merchant(merchant: MerchantKey) -> None:
        try:
            store.merchants[merchant.merchant_number] = crypto.load_public_key(merchant.public_key)
        except ValueError as error:
            raise HTTPException(422, "public_key is not a PEM RSA public key") from error

    @router.post(f"{PAGE_PATH}/ws-plan", summary="What the next WS charges answer")
    def plan_ws(plan: WsPlan) -> dict[str, int]:
        store.ws_plan[:] = [WsStep(**step.model_dump()) for step in plan.next]
        return {"planned": len(store.ws_plan)}

    @router.get(f"{PAGE_PATH}/public-key.pem", response_class=PlainTextResponse)
    def gateway_public_key() -> str:
        """The key responses are signed with: configure it as the gateway public key."""
        return crypto.public_pem(key)

    @router.get(PAGE_PATH, response_class=HTMLResponse, include_in_schema=False)
    def overview() -> str:
        return overview_page(store.orders.values())

    @router.post("/pay-ws/v1/PaymentService", summary="WS API (SOAP)")
    async def payment_service(request: Request) -> Response:
        return await handle_ws(await request.body(), store, key)

    return router
