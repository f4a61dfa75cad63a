"""The small pages of the unsubscribe link, in the user's language.

Opening the link (GET) changes nothing: mail scanners open links. It shows one button that
posts the same URL, which is also what a mail client's one-click unsubscribe (RFC 8058) does.
"""

from __future__ import annotations

from html import escape

from pickey_core.notification_categories import Category

_CATEGORY_NAMES = {
    "cs": {
        Category.NEW_POST: "nové příspěvky tvůrců, které podporujete",
        Category.NEW_POST_FOLLOWED: "nové příspěvky tvůrců, které sledujete",
        Category.CREATOR_LIVE: "živá vysílání tvůrců",
        Category.NEW_MEMBER: "noví členové",
        Category.TIP: "spropitné",
        Category.UNLOCK: "odemčené příspěvky",
        Category.COMMENTS: "komentáře a odpovědi",
        Category.MEDIA_FAILED: "nezpracované fotky a videa",
    },
    "en": {
        Category.NEW_POST: "new posts from creators you support",
        Category.NEW_POST_FOLLOWED: "new posts from creators you follow",
        Category.CREATOR_LIVE: "creators going live",
        Category.NEW_MEMBER: "new members",
        Category.TIP: "tips",
        Category.UNLOCK: "unlocked posts",
        Category.COMMENTS: "comments and replies",
        Category.MEDIA_FAILED: "photos and videos that could not be processed",
    },
}
_TEXTS = {
    "cs": {
        "title": "Odhlášení e-mailů",
        "ask": "Nechcete už dostávat e-maily o tomto: {what}?",
        "button": "Odhlásit",
        "done": "Hotovo. E-maily o tomto už vám nepošleme: {what}.",
        "settings": "Všechna upozornění nastavíte v aplikaci",
    },
    "en": {
        "title": "Unsubscribe",
        "ask": "Stop receiving emails about {what}?",
        "button": "Unsubscribe",
        "done": "Done. We will not email you about {what} any more.",
        "settings": "Change all your notifications in the app",
    },
}
_PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title>
<style>body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 32rem; }}</style>
</head>
<body>
<h1>{title}</h1>
{body}
<p><a href="{settings_url}">{settings}</a></p>
</body>
</html>
"""


def _texts(locale: str, category: Category) -> tuple[str, dict[str, str], str]:
    lang = locale if locale in _TEXTS else "cs"
    return lang, _TEXTS[lang], _CATEGORY_NAMES[lang].get(category, category.value)


def ask_page(locale: str, category: Category, action_url: str, settings_url: str) -> str:
    lang, texts, what = _texts(locale, category)
    body = (
        f"<p>{escape(texts['ask'].format(what=what))}</p>\n"
        f'<form method="post" action="{escape(action_url)}">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        f'<button type="submit">{escape(texts["button"])}</button></form>'
    )
    return _page(lang, texts, body, settings_url)


def done_page(locale: str, category: Category, settings_url: str) -> str:
    lang, texts, what = _texts(locale, category)
    return _page(lang, texts, f"<p>{escape(texts['done'].format(what=what))}</p>", settings_url)


def _page(lang: str, texts: dict[str, str], body: str, settings_url: str) -> str:
    return _PAGE.format(
        lang=lang,
        title=escape(texts["title"]),
        body=body,
        settings_url=escape(settings_url),
        settings=escape(texts["settings"]),
    )
