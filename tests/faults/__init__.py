"""Worker faults: real workers killed mid-task, Redis restarted, database connections dropped (PostgreSQL + Redis only)."""
