"""A partner's own settings, kept by its admin."""
