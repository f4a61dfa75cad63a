"""Local stand-ins for the third parties Pickey talks to (Mailgun now; GP webpay, Mux, Pusher).

Independent of ``pickey_core`` on purpose: it plays the other side of our integrations, so it
must not share our assumptions (or our bugs) about how those providers behave.
"""

from pickey_sandbox.app import create_app
from pickey_sandbox.config import SandboxConfig

__all__ = ["SandboxConfig", "create_app"]
