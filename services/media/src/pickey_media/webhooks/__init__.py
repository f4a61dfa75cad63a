"""``POST /webhooks/mux``: verify, store in the inbox, answer; the ``HandleMuxEvent`` job applies
the event to videos (:mod:`pickey_media.videos`) and live streams (:mod:`pickey_media.live`)."""
