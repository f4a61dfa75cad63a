"""Annual plans: a tier's yearly price, and periods of a year."""
