"""Tests of the partner spend dashboard, its downloads and the public network summary."""
