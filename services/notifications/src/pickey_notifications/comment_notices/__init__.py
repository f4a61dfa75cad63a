"""Comment notifications: a new comment on your post, a reply to your comment."""
