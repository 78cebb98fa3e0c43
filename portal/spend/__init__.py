"""Spend: partners import their spend lines; workers total them for the network."""
