"""Email: queued in the database, sent by a worker."""
