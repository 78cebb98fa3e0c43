"""Cross-tenant probes, one module per feature.

Each module defines ``PROBES`` (endpoint -> function(world) that signs in as
someone of partner A, or a lead of another network, asks for partner B's
objects and asserts 404 / absence) and ``NO_TENANT_DATA`` (endpoint -> why the
route holds no tenant data). ``tests/test_cross_tenant.py`` gathers them all and
fails for any route of the app that has neither.
"""
