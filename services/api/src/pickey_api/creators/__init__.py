"""Creator profiles and their public pages: become a creator, edit the profile, read a page."""
