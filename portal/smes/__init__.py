"""Self-registered SMEs and VCSEs: accounts, email verification and their own profile."""
