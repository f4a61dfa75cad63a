"""The page a developer opens to see what Pickey "sent": every message, newest first.

Everything that came from a request is escaped: subjects and addresses are user content, and a
sandbox page that runs a fan's ``<script>`` would hide the very bug it should show.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from pickey_sandbox.mailgun.store import StoredMessage

PAGE_PATH = "/sandbox/mailgun"
MESSAGES_PATH = f"{PAGE_PATH}/messages"

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sandbox Mailgun</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left;
  vertical-align: top; }}
.muted {{ color: #777; }}
</style>
</head>
<body>
<p><a href="/">Sandbox</a></p>
<h1>Mailgun</h1>
<p class="muted">Domains: {domains}. {count} message(s), newest first.
JSON: <a href="{messages_path}">{messages_path}</a>.</p>
<table>
<thead><tr><th>Received (UTC)</th><th>From</th><th>To</th><th>Subject</th><th>Tags</th>
<th>View</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""

_ROW = (
    "<tr><td>{received}</td><td>{sender}</td><td>{to}</td><td>{subject}</td><td>{tags}</td>"
    "<td>{links}</td></tr>"
)
_EMPTY_ROW = '<tr><td colspan="6" class="muted">No messages yet.</td></tr>'


def message_path(message: StoredMessage) -> str:
    """URL path of one message; the id's ``<``, ``@`` and ``>`` are percent-encoded."""
    return f"{MESSAGES_PATH}/{quote(message.id, safe='')}"


def render_page(messages: list[StoredMessage], domains: list[str]) -> str:
    rows = [_render_row(message) for message in reversed(messages)]
    return _PAGE.format(
        domains=escape(", ".join(domains)),
        count=len(messages),
        messages_path=escape(MESSAGES_PATH),
        rows="\n".join(rows) or _EMPTY_ROW,
    )


def _render_row(message: StoredMessage) -> str:
    path = message_path(message)
    links = [f'<a href="{escape(path)}">json</a>']
    if message.text is not None:
        links.append(f'<a href="{escape(path)}/text">text</a>')
    if message.html is not None:
        links.append(f'<a href="{escape(path)}/html">html</a>')
    mode = "batch" if message.batch else "shared To"
    to = escape(", ".join(message.to))
    return _ROW.format(
        received=escape(message.received_at.strftime("%Y-%m-%d %H:%M:%S")),
        sender=escape(message.sender),
        to=f'{to} <span class="muted">({mode})</span>' if len(message.to) > 1 else to,
        subject=escape(message.subject or ""),
        tags=escape(", ".join(message.tags)),
        links=" ".join(links),
    )
