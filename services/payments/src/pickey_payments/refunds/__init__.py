"""Refunds: money given back to a fan through the gateway (``processRefund``)."""
