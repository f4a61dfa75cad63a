"""Tergum: the platform's PostgreSQL backups.

A backup is ``pg_dump --format=custom`` of the whole database, uploaded to a backup bucket (not
the uploads bucket) under a key that carries its UTC date and time; dumps older than
``PICKEY_BACKUP__KEEP_DAYS`` are deleted after a successful upload (never the newest one). Each
run reports its outcome as Prometheus metrics pushed to a Pushgateway, which the
``PickeyBackupTooOld`` alert reads, and as one log line.

It is its own package and image because it needs the PostgreSQL client programs, which no
service image carries.
"""
