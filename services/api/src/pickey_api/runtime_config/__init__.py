"""The SPA's public runtime configuration (``/config.json``)."""
