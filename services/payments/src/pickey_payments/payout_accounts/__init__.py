"""Where a creator's payouts go: IBAN and account holder, changed only with the password."""
