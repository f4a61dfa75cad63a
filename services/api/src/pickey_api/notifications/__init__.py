"""The logged-in user's in-app notifications (read side; the notifications service writes them)."""
