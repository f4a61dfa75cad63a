"""Security helpers shared by services."""
