"""A fan's own payments, as the SPA reads them."""
