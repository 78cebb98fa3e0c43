"""Opportunities partners are about to buy, their lots and social value asks; public list, feed and OCDS."""
