"""Contracts registers imported in bulk: Transparency Code files (CSV, XLSX) and OCDS award notices."""
