"""The development web stand-in: a few real pages on the SPA's origin for `just dev` and the
browser tests (sign-up, creator, publish, checkout, reading, the payment result page).

It stands in for the Vue SPA, which is not in this repository, so that a newcomer can click
through the platform and so that the backend is tested from a real browser. Production never
runs it: ``PICKEY_GPWEBPAY__RESULT_PAGE_URL`` there points at the real SPA. Its script
(``static/app.js``) is built from ``libs/web-client`` by ``just client`` and committed, so
`just dev` needs no Node.js.
"""

from pickey_sandbox.web.app import DEFAULT_CONFIG_URL, create_web_app

__all__ = ["DEFAULT_CONFIG_URL", "create_web_app"]
