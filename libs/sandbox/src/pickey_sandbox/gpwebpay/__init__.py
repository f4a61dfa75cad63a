"""Fake GP webpay: the HTTP API (``order.do`` and a payment page), the WS API (SOAP), and
controls for tests and developers."""

from pickey_sandbox.gpwebpay.endpoints import create_router
from pickey_sandbox.gpwebpay.page import PAGE_PATH

TITLE = "GP webpay (card payments)"

__all__ = ["PAGE_PATH", "TITLE", "create_router"]
