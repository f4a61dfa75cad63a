"""``GET`` and ``POST /gpwebpay/return``: where the gateway sends the fan's browser back.

A browser (it accepts HTML) is always redirected (303) to the SPA's result page with our payment
id and outcome, never the gateway's parameters; a refused return goes there too with
``outcome=error`` and the reason's code, and so does the gateway's refusal of the request itself
(``error=gateway_refused_request`` with the payment id: the payment stays open for a genuine
result, so the SPA offers to try again). Other clients get the JSON answer: the outcome, or a 400
with the error body.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from pickey_core.errors import ErrorBody
from pickey_payments.dependencies import ReturnContextDep
from pickey_payments.payments.schemas import spa_outcome
from pickey_payments.returns import service

router = APIRouter(tags=["gateway return"])


_RETURN_RESPONSES: dict[int | str, dict[str, Any]] = {
    303: {"description": "To the SPA's result page (browsers)."},
    400: {"model": ErrorBody, "description": "ReturnRejected (non-browser clients)"},
}
_RETURN_SUMMARY = "GP webpay's browser return (signed result of a payment)"


# Two registrations, not one api_route with two methods: each method gets its own OpenAPI
# operation id (one route with two methods documents a duplicate id).
@router.get(
    "/gpwebpay/return",
    responses=_RETURN_RESPONSES,
    summary=_RETURN_SUMMARY,
    operation_id="gpwebpay_return_get",
)
@router.post(
    "/gpwebpay/return",
    responses=_RETURN_RESPONSES,
    summary=_RETURN_SUMMARY,
    operation_id="gpwebpay_return_post",
)
async def gateway_return(request: Request, context: ReturnContextDep) -> Response:
    raw: bytes = request.scope["query_string"] if request.method == "GET" else await request.body()
    browser = "text/html" in request.headers.get("accept", "")
    try:
        handled = await service.handle_raw(context, raw)
    except service.ReturnRejected as error:
        if not browser:
            raise
        return _to_result_page(
            context.gateway.config.result_page_url, outcome="error", error=error.error_code
        )
    outcome = spa_outcome(handled.state)
    if browser and handled.request_refused and outcome == "pending":
        return _to_result_page(
            context.gateway.config.result_page_url,
            payment_id=str(handled.payment_id),
            outcome="error",
            error="gateway_refused_request",
        )
    if browser:
        return _to_result_page(
            context.gateway.config.result_page_url,
            payment_id=str(handled.payment_id),
            outcome=outcome,
        )
    return JSONResponse({"payment_id": str(handled.payment_id), "outcome": outcome})


def _to_result_page(url: str, **params: Any) -> RedirectResponse:
    separator = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{separator}{urlencode(params)}", status_code=303)
