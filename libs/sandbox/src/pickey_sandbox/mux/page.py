"""The page a developer opens to see what Pickey asked of "Mux", and to finish encoding by hand.

Everything that came from a request (passthrough, origins) is escaped before it is shown.
"""

from __future__ import annotations

from html import escape
from typing import Any

from pickey_sandbox.mux.store import Snapshot
from pickey_sandbox.mux.webhooks import Delivery, WebhookPlan

PAGE_PATH = "/sandbox/mux"

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sandbox Mux</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 2rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left;
  vertical-align: top; }}
.muted {{ color: #777; }}
form {{ display: inline; }}
</style>
</head>
<body>
<p><a href="/">Sandbox</a></p>
<h1>Mux</h1>
<p class="muted">Direct uploads, assets and live streams, newest first.
JSON: <a href="{state_path}">{state_path}</a>. Faults: {faults}.</p>
<h2>Assets</h2>
<table>
<thead><tr><th>Id</th><th>Status</th><th>Passthrough</th><th>Playback ids</th>
<th>Bytes</th><th>Finish encoding</th></tr></thead>
<tbody>
{assets}
</tbody>
</table>
<h2>Direct uploads</h2>
<table>
<thead><tr><th>Id</th><th>Status</th><th>Passthrough</th><th>Policies</th><th>CORS origin</th>
<th>Asset</th></tr></thead>
<tbody>
{uploads}
</tbody>
</table>
<h2>Live streams</h2>
<table>
<thead><tr><th>Id</th><th>Status</th><th>Passthrough</th><th>Playback ids</th>
<th>Stream key</th><th>Broadcast</th></tr></thead>
<tbody>
{live_streams}
</tbody>
</table>
<h2>Webhooks</h2>
<p class="muted">Delivered to {webhook_url}{webhook_mode}. {release}</p>
<table>
<thead><tr><th>Event</th><th>Type</th><th>Object</th><th>State</th><th>Attempts</th></tr></thead>
<tbody>
{deliveries}
</tbody>
</table>
</body>
</html>
"""

_EMPTY = '<tr><td colspan="6" class="muted">Nothing yet.</td></tr>'


# The steps of a broadcast the page offers as buttons for each live stream.
_LIVE_STEPS = ("connected", "recording", "active", "disconnected", "idle")


def render_page(snapshot: Snapshot, plan: WebhookPlan, deliveries: list[Delivery]) -> str:
    faults = snapshot.faults.model_dump_json(exclude_defaults=True)
    held = sum(1 for delivery in deliveries if delivery.state == "held")
    release = (
        f'<form method="post" action="{escape(PAGE_PATH)}/webhook/release">'
        f"<button>Send {held} held</button></form>"
        if held
        else ""
    )
    return _PAGE.format(
        webhook_url=_text(plan.url or "nowhere (no URL set)"),
        webhook_mode=" (holding events back)" if plan.hold else "",
        release=release,
        deliveries=_rows([_delivery_row(delivery) for delivery in reversed(deliveries)]),
        state_path=escape(f"{PAGE_PATH}/state"),
        faults=escape("none" if faults == "{}" else faults),
        assets=_rows([_asset_row(asset) for asset in reversed(snapshot.assets)]),
        uploads=_rows([_upload_row(upload) for upload in reversed(snapshot.uploads)]),
        live_streams=_rows([_live_row(stream) for stream in reversed(snapshot.live_streams)]),
    )


def _rows(rows: list[str]) -> str:
    return "\n".join(rows) or _EMPTY


def _cells(*values: str) -> str:
    return "<tr>" + "".join(f"<td>{value}</td>" for value in values) + "</tr>"


def _text(value: Any) -> str:
    return escape("" if value is None else str(value))


def _playback(ids: list[dict[str, Any]]) -> str:
    return "<br>".join(f"{_text(item['id'])} ({_text(item['policy'])})" for item in ids)


def _asset_row(asset: dict[str, Any]) -> str:
    actions = ""
    if asset["status"] == "preparing":
        base = escape(f"{PAGE_PATH}/assets/{asset['id']}")
        actions = (
            f'<form method="post" action="{base}/ready"><button>Ready</button></form> '
            f'<form method="post" action="{base}/errored"><button>Errored</button></form>'
        )
    return _cells(
        _text(asset["id"]),
        _text(asset["status"]),
        _text(asset.get("passthrough")),
        _playback(asset["playback_ids"]),
        _text(asset["sandbox"].get("bytes_received")),
        actions,
    )


def _upload_row(upload: dict[str, Any]) -> str:
    settings = upload.get("new_asset_settings") or {}
    return _cells(
        _text(upload["id"]),
        _text(upload["status"]),
        _text(settings.get("passthrough")),
        _text(", ".join(settings.get("playback_policies", []))),
        _text(upload.get("cors_origin")),
        _text(upload.get("asset_id")),
    )


def _live_row(stream: dict[str, Any]) -> str:
    actions = ""
    if stream["status"] != "disabled":
        base = escape(f"{PAGE_PATH}/live-streams/{stream['id']}")
        actions = " ".join(
            f'<form method="post" action="{base}/{step}"><button>{step}</button></form>'
            for step in _LIVE_STEPS
        )
    return _cells(
        _text(stream["id"]),
        _text(stream["status"]),
        _text(stream.get("passthrough")),
        _playback(stream["playback_ids"]),
        _text(stream["stream_key"]),
        actions,
    )


def _delivery_row(delivery: Delivery) -> str:
    attempts = "<br>".join(
        _text(f"{attempt.at:%H:%M:%S} {attempt.status_code or attempt.error}")
        for attempt in delivery.attempts
    )
    return _cells(
        _text(delivery.event_id),
        _text(delivery.type),
        _text(delivery.object_id),
        _text(delivery.state),
        attempts,
    )
