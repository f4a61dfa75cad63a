"""Discount codes: the creator's offers, redeemed at checkout and applied again at renewals."""
