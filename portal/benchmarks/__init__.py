"""Benchmarks: other places' published figures the network lead records, set beside the network's own in its annual report."""
