"""The gateway's browser return: verify it, settle the payment, send the fan to the SPA."""
