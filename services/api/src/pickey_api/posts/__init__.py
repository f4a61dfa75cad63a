"""Posts: kinds, lifecycle, access, feeds."""
