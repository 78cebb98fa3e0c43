"""The official open registers suppliers are placed and classed by (reference data, not tenant data)."""
