"""Short previews of user text for notifications (a post's body, a comment)."""

from __future__ import annotations

EXCERPT_CHARACTERS = 280


def excerpt(text: str, limit: int = EXCERPT_CHARACTERS) -> str:
    """Whitespace collapsed, cut at a word boundary with an ellipsis when longer than ``limit``."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut.rstrip(" ,.;:") + "…"
