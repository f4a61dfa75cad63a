"""Keys and after-commit invalidation of the api's public Redis caches.

Below every domain that writes what a cached page shows (creators, tiers, follows, posts,
accounts), so none of them imports another to forget a page.
"""
