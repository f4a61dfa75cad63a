"""Media as the api shows it: uploads (presigned), Mux direct uploads, URLs for viewers."""
