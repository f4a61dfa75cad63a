"""Mux for endpoints: an API client per request, one playback signer per app.

The client is made per request because few requests need it (creating a video upload or a live
stream) and it then makes one or two calls; the signer is kept on the app because loading the
RSA key is the costly part and every feed page with videos signs tokens.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from pickey_api.settings import SettingsDep
from pickey_core.providers.mux import MuxClient
from pickey_core.providers.mux_tokens import PlaybackSigner


async def get_mux(settings: SettingsDep) -> AsyncIterator[MuxClient]:
    async with MuxClient(settings.mux) as client:
        yield client


async def get_playback_signer(request: Request, settings: SettingsDep) -> PlaybackSigner:
    signer: PlaybackSigner | None = getattr(request.app.state, "mux_playback_signer", None)
    if signer is None:
        signer = PlaybackSigner.from_config(settings.mux)
        request.app.state.mux_playback_signer = signer
    return signer


MuxDep = Annotated[MuxClient, Depends(get_mux)]
PlaybackSignerDep = Annotated[PlaybackSigner, Depends(get_playback_signer)]
