"""A refused Mux webhook logs the one refusal line: a warning with the provider and the reason,
and neither the signature nor the secret."""

from __future__ import annotations

import httpx

from pickey_core.resources import Resources
from tests.media import videos
from tests.media.videos import ready_event
from tests.support import mux_events
from tests.support.logs import as_lines, captured_logs, refusals
from tests.support.mux_events import WEBHOOK_SECRET


async def test_a_forged_mux_webhook_is_logged_as_refused_without_secrets(
    resources: Resources, media_client: httpx.AsyncClient
) -> None:
    upload = await videos.video_upload(resources)
    body = mux_events.body_of(ready_event(upload))
    headers = mux_events.signed_headers(body, "whsec-forged-by-someone")

    with captured_logs() as entries:
        response = await media_client.post("/webhooks/mux", content=body, headers=headers)

    assert response.status_code == 401
    [line] = refusals(entries, "mux")
    assert (line["log_level"], line["reason"]) == ("warning", "signature_mismatch")
    output = as_lines(entries)
    signature = next(value for name, value in headers.items() if name.lower() == "mux-signature")
    assert signature.split("v1=")[-1] not in output
    assert WEBHOOK_SECRET not in output
    assert "whsec-forged-by-someone" not in output
