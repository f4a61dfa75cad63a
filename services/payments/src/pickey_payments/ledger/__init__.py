"""The money ledger: what every payment, refund and payout did to whose money (see ``service``)."""
