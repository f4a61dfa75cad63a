"""FastAPI dependencies of the payments app: its typed settings (read in one place), the gateway,
the billing rules and what a gateway return needs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pickey_payments.billing_config import BillingConfig
from pickey_payments.gateway import Gateway
from pickey_payments.returns.context import ReturnContext
from pickey_payments.settings import PaymentsSettings


async def get_gateway(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


async def get_settings(request: Request) -> PaymentsSettings:
    settings: PaymentsSettings = request.app.state.settings
    return settings


PaymentsSettingsDep = Annotated[PaymentsSettings, Depends(get_settings)]


async def get_billing(settings: PaymentsSettingsDep) -> BillingConfig:
    return settings.billing


async def get_return_context(request: Request) -> ReturnContext:
    state = request.app.state
    settings: PaymentsSettings = state.settings
    return ReturnContext(state.resources, state.gateway, settings.billing, state.paid_returns)


GatewayDep = Annotated[Gateway, Depends(get_gateway)]
ReturnContextDep = Annotated[ReturnContext, Depends(get_return_context)]
BillingDep = Annotated[BillingConfig, Depends(get_billing)]
