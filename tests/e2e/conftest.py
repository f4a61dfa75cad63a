"""Real processes for end-to-end tests: uvicorn servers and arq workers started by their entry
points, configured through environment variables exactly as in a deployment."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e
