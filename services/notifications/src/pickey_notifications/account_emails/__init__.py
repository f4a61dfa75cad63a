"""Account emails with a one-time link: verify the address, reset the password."""
