"""Media failure notifications: a creator's photo or video could not be processed."""
