"""Mux's events as we read them (the envelope and the upload, asset and live stream it carries)
and what applying one did. Below :mod:`pickey_media.webhooks` (which stores and routes events)
and the domains that apply them (:mod:`pickey_media.videos`, :mod:`pickey_media.live`), so that
neither imports the other to share these shapes."""
