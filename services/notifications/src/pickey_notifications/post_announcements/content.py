"""What an announcement tells each recipient. The body's excerpt goes only to recipients the
post is open to; everyone else gets the title, the creator and the link (a teaser), so a
member-only post's content never reaches a non-member's inbox, in-app list or channel."""

from __future__ import annotations

from typing import Any

from pickey_core.models import Creator, Post
from pickey_notifications.text import excerpt


def post_facts(post: Post, creator: Creator) -> dict[str, Any]:
    """What anyone who may know the post exists may see (its teaser)."""
    return {
        "post_id": str(post.id),
        "creator_id": str(creator.id),
        "creator_name": creator.display_name,
        "creator_slug": creator.slug,
        "title": post.title,
        "post_kind": post.kind.value,
        "access": post.access.value,
    }


def new_post(post: Post, creator: Creator, *, open_to_recipient: bool) -> dict[str, Any]:
    return {
        **post_facts(post, creator),
        "locked": not open_to_recipient,
        "excerpt": excerpt(post.body) if open_to_recipient else None,
    }


def live(post: Post, creator: Creator, broadcast_id: str) -> dict[str, Any]:
    return {**post_facts(post, creator), "broadcast_id": broadcast_id}
