"""One-click unsubscribe: the signed link in non-transactional email and the endpoint that
honours it (``/unsubscribe``, served by this service, which owns preferences' email side)."""
