"""Money states a person should look at."""
