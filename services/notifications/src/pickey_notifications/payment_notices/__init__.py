"""Money notifications: a payment succeeded (the fan, and the creator for a new member, a tip
or an unlock) and membership billing notices (renewal upcoming or failed, pay by hand, lapsed)."""
