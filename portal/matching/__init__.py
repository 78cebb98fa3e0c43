"""Matching registered SMEs and VCSEs to open opportunities, interest, the weekly digest and the gap analysis."""
