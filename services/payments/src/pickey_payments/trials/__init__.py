"""Free trials: N days of a tier without paying, once per fan and creator."""
