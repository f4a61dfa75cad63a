"""What every Pickey HTTP service shares: app factory, error rendering, health, metrics."""
