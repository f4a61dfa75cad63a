"""The welcome notification sent when an account is created."""
