"""Turn email deliveries that share content into one Mailgun message.

One recipient: the email is rendered for them (name, unsubscribe link) and sent plainly. Several
recipients (batch sending): it is rendered once with Mailgun's ``%recipient.x%`` placeholders and
``recipient-variables`` carry each person's values, so nobody sees anyone else's address and one
call reaches up to 1,000 people. Mailgun substitutes the placeholders in the subject, both
bodies and the ``h:`` headers, which gives each recipient their own ``List-Unsubscribe``.

Non-transactional email carries ``List-Unsubscribe`` (the signed one-click URL, RFC 8058 with
``List-Unsubscribe-Post``) and the same link in its footer; account and money emails carry
neither. ``v:kind`` and ``v:category`` come back in Mailgun's webhooks.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from pickey_core.providers.mailgun import EmailMessage
from pickey_notifications.deliveries.repository import Unsettled
from pickey_notifications.email.templates import render
from pickey_notifications.kinds import KINDS, Kind, KindInfo
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.unsubscribe.tokens import unsubscribe_url

DELIVERY_HEADER = "X-Pickey-Delivery"
ONE_CLICK = {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def placeholder(name: str) -> str:
    return f"%recipient.{name}%"


def _unsubscribe(settings: NotificationsSettings, info: KindInfo, delivery: Unsettled) -> str:
    assert info.category is not None
    config = settings.unsubscribe
    return unsubscribe_url(
        config.base_url, config.signing_key, delivery.recipient_id, info.category
    )


def build_message(
    settings: NotificationsSettings,
    deliveries: Sequence[Unsettled],
    extra_context: dict[str, Any] | None = None,
) -> EmailMessage:
    """The message for ``deliveries``: same kind, data and locale, distinct addresses."""
    first = deliveries[0]
    info = KINDS[Kind(first.kind)]
    wants_unsubscribe = not info.transactional
    context: dict[str, Any] = {
        **first.data,
        **(extra_context or {}),
        "app_url": settings.app_url.rstrip("/"),
    }
    headers: dict[str, str] = {}
    recipient_variables: dict[str, dict[str, str]] | None = None
    html_context: dict[str, Any] | None = None
    if len(deliveries) == 1:
        link = _unsubscribe(settings, info, first) if wants_unsubscribe else None
        context.update(name=first.display_name, unsubscribe_url=link)
        headers[DELIVERY_HEADER] = str(first.id)
    else:
        link = placeholder("unsubscribe_url") if wants_unsubscribe else None
        context.update(name=placeholder("name"), unsubscribe_url=link)
        html_context = {"name": placeholder("name_html")}
        headers[DELIVERY_HEADER] = placeholder("delivery_id")
        recipient_variables = {
            delivery.email: _variables(settings, info, delivery, wants_unsubscribe)
            for delivery in deliveries
        }
    if link is not None:
        headers.update({"List-Unsubscribe": f"<{link}>", **ONE_CLICK})
    email = render(info.template, first.locale, context, html_context=html_context)
    variables = {"kind": info.kind.value}
    if info.category is not None:
        variables["category"] = info.category.value
    return EmailMessage(
        to=[delivery.email for delivery in deliveries],
        subject=email.subject,
        text=email.text,
        html=email.html,
        headers=headers,
        variables=variables,
        tags=[info.kind.value],
        recipient_variables=recipient_variables,
    )


def _variables(
    settings: NotificationsSettings, info: KindInfo, delivery: Unsettled, wants_unsubscribe: bool
) -> dict[str, str]:
    values = {
        "name": delivery.display_name,
        "name_html": escape(delivery.display_name),
        "delivery_id": str(delivery.id),
    }
    if wants_unsubscribe:
        values["unsubscribe_url"] = _unsubscribe(settings, info, delivery)
    return values
