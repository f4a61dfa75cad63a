"""Users' notification preferences as this service reads them (deciding channels) and writes
them (one-click unsubscribe, Mailgun unsubscribe events)."""
