"""Free follows: a fan follows a creator to see their public posts in the home feed."""
