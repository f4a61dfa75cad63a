"""Monthly renewals: charge due memberships once per period, remind fans, lapse what ended."""
