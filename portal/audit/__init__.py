"""A partner admin's view of their own organisation's audit log."""
