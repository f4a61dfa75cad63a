"""Announcements about posts: a new post (entitled members and followers) and a creator going
live (entitled members), fanned out in independent chunks of recipients."""
