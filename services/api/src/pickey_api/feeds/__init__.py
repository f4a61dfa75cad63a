"""Lists of posts: the home feed, a creator's page, and the creator's own dashboard."""
