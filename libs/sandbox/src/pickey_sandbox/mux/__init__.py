"""Fake Mux: the Video API (direct uploads, assets, live streams), the upload URL, a page for
developers, controls to finish encoding, and fault injection."""

from pickey_sandbox.mux.endpoints import create_router
from pickey_sandbox.mux.page import PAGE_PATH

TITLE = "Mux (video)"

__all__ = ["PAGE_PATH", "TITLE", "create_router"]
