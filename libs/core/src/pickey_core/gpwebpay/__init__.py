"""GP webpay, the Czech card gateway: its wire protocol, as the gateway's documentation states it.

- :mod:`.config`: ``GpWebpayConfig`` (``PICKEY_GPWEBPAY__...``), key loading, start-up probe.
- :mod:`.signing`: RSASSA-PKCS1-v1_5/SHA-1 over ``|``-joined values.
- :mod:`.http_api`: signed CREATE_ORDER redirects and verified browser returns.
- :mod:`.ws_client`: the SOAP WS API (payment status, recurring charges).
- :mod:`.codes`: PRCODE/SRCODE to our outcome.
- :mod:`.transliteration`: Czech text to the printable ASCII the gateway accepts.

Payment rules (checkout, returns, renewals) live in the payments service, not here.
"""
