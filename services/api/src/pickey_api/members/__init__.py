"""The creator's members: a keyset-paged list with filters, and the same list as a CSV file."""
