"""Credentials and sessions: log in, log out, passwords, email verification."""
