"""Image processing: verify an uploaded original and make the variants browsers get."""
