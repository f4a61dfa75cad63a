"""Development only: embedded PostgreSQL and Redis servers for ``just dev`` and ``just test``."""
