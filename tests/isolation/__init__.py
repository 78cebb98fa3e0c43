"""The isolation matrix: every route of the app, for every role, against other tenants' objects.

``expectations.py`` holds one expectation per endpoint (the test fails for a route
without one); ``world.py`` builds the objects of partner B, of another SME and of
the shared network that each request points at; ``tests/test_isolation_matrix.py``
runs them all and prints how many probes ran.
"""
