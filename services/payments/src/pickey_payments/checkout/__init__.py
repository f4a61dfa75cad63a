"""Checkout: a fan starts paying for a membership, a tip or a paid post (a signed gateway order)."""
