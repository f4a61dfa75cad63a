"""Live posts at Mux: the stream's state from Mux's events, the "X is live" announcement once
per broadcast, and each broadcast's recording joining the post afterwards."""
