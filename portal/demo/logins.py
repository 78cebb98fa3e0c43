"""What to try with each demo login: printed last by ``bin/start``, where a first-time reader looks."""
from __future__ import annotations

from portal.demo.network import DEMO_PASSWORD

# The logins worth starting with, and where to go; the other partners' admins, officers and viewers see the same pages
# for their own partner.
TRY = {
    "lead@council.demo": "Network: partners side by side, local market gaps, suppliers to review, targets met and missed",
    "officer@council.demo": "Social value: contracts, a return waiting for a second person, one chased; import spend (try instance/demo/sample-spend-with-errors.csv)",
    "admin@council.demo": "Check the officer's delivery report (four eyes); People: invite someone, change a role",
    "viewer@council.demo": "Spend dashboard and the annual social value report, read only",
    "owner@sme.demo": "Your matches (each title opens the opportunity); say you're interested; offer to meet a social value ask",
}


def login_lines(logins: list[tuple[str, str]], public_url: str | None = None) -> list[str]:
    """The block a person reads before signing in: the password, then each login with what it is and what to try."""
    lines = [f"Sign in with any of these; the password for all is: {DEMO_PASSWORD}"]
    if public_url:
        lines.append(f"Without signing in: {public_url}/ (the network's summary, opportunities and asks)")
    lines.append("")
    width = max(len(email) for email, _ in logins)
    for email, what in logins:
        if email in TRY:
            lines.append(f"  {email:<{width}}  {what}")
            lines.append(f"  {'':<{width}}    try: {TRY[email]}")
    others = [email for email, _ in logins if email not in TRY]
    if others:
        lines.append("")
        lines.append("  Also, each with its own partner's pages: " + ", ".join(others))
    return lines
