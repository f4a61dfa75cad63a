"""Videos at Mux: direct uploads and their assets, moved forward by Mux's webhook events."""
