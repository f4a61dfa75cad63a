"""Email content: templates in Czech and English, rendered to subject, text and HTML."""
