"""Whether anyone but its creator sees a post, why not, and what to do: the ``visibility`` the
creator's own post list and post view carry (``editing.visibility``).

``status`` says where the post is in publishing (draft, scheduled, published); it does not say
that a published video whose processing failed is seen by nobody. This does, with a code the SPA
can branch on and a sentence in Czech and English it can show as is. The order of the checks is
what the creator should fix first: a deleted post, then failed or missing media (nothing else
helps until the file is replaced), then the publishing state, then media still processing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pickey_core.media_failures import text as failure_text
from pickey_core.models import MediaStatus, Post, PostKind, PostStatus
from pickey_core.post_readiness import MEDIA_KINDS


class VisibilityCode(StrEnum):
    VISIBLE = "visible"
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    MEDIA_PROCESSING = "media_processing"
    MEDIA_FAILED = "media_failed"
    MEDIA_MISSING = "media_missing"
    DELETED = "deleted"


@dataclass(frozen=True)
class AssetState:
    status: MediaStatus
    failure_code: str | None


@dataclass(frozen=True)
class Visibility:
    code: VisibilityCode
    text: dict[str, str]
    media_failure_code: str | None = None

    @property
    def visible(self) -> bool:
        return self.code is VisibilityCode.VISIBLE


def _media_words(kind: PostKind) -> tuple[str, str]:
    """(Czech, English) name of the post's media, as the object of a sentence."""
    return ("video", "video") if kind is PostKind.VIDEO else ("fotky", "photos")


def visibility_of(post: Post, assets: Sequence[AssetState]) -> Visibility:
    cs_media, en_media = _media_words(post.kind)
    if post.deleted_at is not None:
        return Visibility(
            VisibilityCode.DELETED,
            {
                "cs": "Příspěvek je smazaný a nikdo ho nevidí.",
                "en": "The post is deleted and nobody can see it.",
            },
        )
    if post.kind in MEDIA_KINDS:
        failed = [asset for asset in assets if asset.status is MediaStatus.FAILED]
        if failed:
            code = failed[0].failure_code
            return Visibility(
                VisibilityCode.MEDIA_FAILED,
                {
                    "cs": f"Příspěvek nikdo nevidí: {cs_media} se nepodařilo zpracovat. "
                    f"{failure_text(code, 'cs')} Nahrajte soubor znovu v úpravách příspěvku; "
                    "příspěvek se pak zobrazí sám.",
                    "en": f"Nobody can see this post: its {en_media} could not be processed. "
                    f"{failure_text(code, 'en')} Upload the file again in the post's editor; "
                    "the post then shows by itself.",
                },
                media_failure_code=code,
            )
        if not assets:
            return Visibility(
                VisibilityCode.MEDIA_MISSING,
                {
                    "cs": f"Příspěvek nikdo nevidí: nemá žádné {cs_media}. "
                    "Přidejte je v úpravách příspěvku.",
                    "en": f"Nobody can see this post: it has no {en_media}. "
                    "Add them in the post's editor.",
                },
            )
    if post.status is PostStatus.DRAFT:
        return Visibility(
            VisibilityCode.DRAFT,
            {
                "cs": "Koncept: vidíte ho jen vy. Zveřejněte ho, až bude hotový.",
                "en": "Draft: only you can see it. Publish it when it is ready.",
            },
        )
    if post.status is PostStatus.SCHEDULED:
        return Visibility(
            VisibilityCode.SCHEDULED,
            {
                "cs": "Naplánovaný: zatím ho vidíte jen vy, zveřejní se v nastavený čas.",
                "en": "Scheduled: only you can see it until it is published at the set time.",
            },
        )
    if not post.media_ready:
        return Visibility(
            VisibilityCode.MEDIA_PROCESSING,
            {
                "cs": f"Zatím ho nikdo nevidí: {cs_media} se ještě zpracovává. Příspěvek se "
                "zobrazí sám, jakmile bude hotové; nic dělat nemusíte.",
                "en": f"Nobody can see it yet: its {en_media} is still being processed. The "
                "post shows by itself once it is done; there is nothing to do.",
            },
        )
    return Visibility(
        VisibilityCode.VISIBLE,
        {
            "cs": "Zveřejněný: vidí ho ti, pro které je určený.",
            "en": "Published: the people it is meant for can see it.",
        },
    )
