"""Notices about the creator's offers: a gift membership's code to its recipient, a discount
code about to expire to its creator."""
