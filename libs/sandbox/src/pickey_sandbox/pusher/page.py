"""The page a developer opens to see what Pickey published on "Pusher", newest first.

Channel names and event data come from requests and are escaped before they are shown.
"""

from __future__ import annotations

from html import escape

from pickey_sandbox.pusher.store import PublishedEvent, Stats

PAGE_PATH = "/sandbox/pusher"
EVENTS_PATH = f"{PAGE_PATH}/events"
SHOWN = 500

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sandbox Pusher</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left;
  vertical-align: top; }}
code {{ white-space: pre-wrap; word-break: break-all; }}
.muted {{ color: #777; }}
</style>
</head>
<body>
<p><a href="/">Sandbox</a></p>
<h1>Pusher</h1>
<p class="muted">App {app_id}. {calls} call(s), {events} event(s), {refused} refused; the newest
{shown} shown. JSON: <a href="{events_path}">{events_path}</a>.</p>
<table>
<thead><tr><th>Received (UTC)</th><th>Call</th><th>Channel</th><th>Event</th><th>Data</th></tr>
</thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""

_ROW = (
    "<tr><td>{received}</td><td>{call}</td><td>{channel}</td><td>{name}</td>"
    "<td><code>{data}</code></td></tr>"
)
_EMPTY_ROW = '<tr><td colspan="5" class="muted">No events yet.</td></tr>'


def render_page(events: list[PublishedEvent], stats: Stats, app_id: str) -> str:
    newest = list(reversed(events))[:SHOWN]
    rows = [
        _ROW.format(
            received=escape(event.received_at.strftime("%Y-%m-%d %H:%M:%S")),
            call=event.call,
            channel=escape(event.channel),
            name=escape(event.name),
            data=escape(event.data),
        )
        for event in newest
    ]
    return _PAGE.format(
        app_id=escape(app_id),
        calls=stats.calls,
        events=stats.events,
        refused=stats.refused,
        shown=SHOWN,
        events_path=escape(EVENTS_PATH),
        rows="\n".join(rows) or _EMPTY_ROW,
    )
