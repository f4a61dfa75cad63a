"""The running stack a browser test drives (its addresses, the Mailgun sandbox, where the
screenshots go) and the password its users sign up with."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

from tests.support.sandbox import MailgunSandbox

PASSWORD = "granulky-a-steaky"
_VERIFY_LINK = re.compile(r"https?://[^\s\"'<>]+/verify-email\?token=[A-Za-z0-9_\-%.~]+")


@dataclass
class Stack:
    web_url: str
    api_url: str
    payments_url: str
    sandbox_url: str
    mailgun: MailgunSandbox
    shots: Path

    def verification_link(self, email: str, timeout: float = 60) -> str:
        """The link in the verification email the notifications worker sent through Mailgun."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.mailgun.messages(to=email):
                found = _VERIFY_LINK.search(json.dumps(message, ensure_ascii=False))
                if found:
                    return found.group(0).replace("\\u0026", "&")
            time.sleep(0.3)
        raise AssertionError(f"no verification email to {email} within {timeout}s")

    def shot(self, page: Page, name: str) -> None:
        page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)
