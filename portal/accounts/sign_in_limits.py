"""Slowing down password guessing without letting a stranger lock anyone out (ASVS 2.2.1, 6.3.x).

Only failed sign-ins count: each limit below is tested before the view runs but
charged only when the view says the attempt failed (Flask-Limiter's
``deduct_when``), so signing in successfully, however often, never holds anyone up.

Three counts, each a list of steps ("3 per 10 seconds;5 per minute;...") so that
the wait grows with the failures rather than becoming one long lock:

- per account *and* address: a person mistyping, or a guesser at one address,
  waits seconds, then a minute, then up to 15 minutes; nobody elsewhere is affected;
- per address, over every account: one address spraying many accounts is held;
- per account, over every address: a guesser spread over many addresses is held
  (under ASVS 2.2.1's 100 failures an hour), but this count never applies to an
  address with no failed sign-in in its window. The account's owner, signing in
  from their own address with the right password, always gets in, whatever a
  stranger has tried against the account elsewhere.
"""
from __future__ import annotations

import math
import time

from flask import current_app, g, render_template, request
from flask_limiter.util import get_remote_address
from limits import parse_many

from portal.extensions import limiter

from . import services

ADDRESS_SCOPE = "sign-in-failures:address"
ACCOUNT_SCOPE = "sign-in-failures:account"
PAIR_SCOPE = "sign-in-failures:account-and-address"


def record_failure() -> None:
    """The view calls this for a wrong email or password: only then are the counts charged."""
    g.sign_in_failed = True


def _failed(response) -> bool:
    return bool(g.get("sign_in_failed"))


def _account() -> str:
    return services.normalise_email(request.form.get("email", ""))


def _account_and_address() -> str:
    return f"{_account()}|{get_remote_address()}"


def _steps(setting: str, key: str, scope: str):
    """Each step of one count, with its window for this key: (step, remaining, reset time)."""
    for item in parse_many(current_app.config[setting]):
        stats = limiter.limiter.get_window_stats(item, key, scope)
        yield item, stats.remaining, stats.reset_time


def address_has_failures(address: str) -> bool:
    """True once this address has failed a sign-in within any step's window."""
    return any(remaining < item.amount for item, remaining, _ in _steps("SIGN_IN_FAILURES_PER_ADDRESS", address, ADDRESS_SCOPE))


def _clean_address() -> bool:
    return not address_has_failures(get_remote_address())


def seconds_to_wait() -> int:
    """Until every full step of every count that applies here has reset.

    Flask-Limiter stops at the first full step (the shortest window), whose wait
    would understate a longer one that is full too.
    """
    counts = [("SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS", _account_and_address(), PAIR_SCOPE),
              ("SIGN_IN_FAILURES_PER_ADDRESS", get_remote_address(), ADDRESS_SCOPE)]
    if not _clean_address():
        counts.append(("SIGN_IN_FAILURES_PER_ACCOUNT", _account(), ACCOUNT_SCOPE))
    resets = [reset for count in counts for _, remaining, reset in _steps(*count) if remaining <= 0]
    return max(1, math.ceil(max(resets, default=0) - time.time()))


def _too_many(request_limit):
    """The sign-in page again, saying how long to wait, rather than a bare error page."""
    from .forms import LoginForm

    problem = f"Too many failed sign-ins. Try again in {_in_words(seconds_to_wait())}."
    form = LoginForm(formdata=None, email=request.form.get("email", ""))
    return current_app.make_response((render_template("accounts/login.html", form=form, problem=problem), 429))


def _in_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


def limit_sign_in(view):
    """Decorate the sign-in view with the three failure counts."""
    common = {"methods": ["POST"], "deduct_when": _failed, "on_breach": _too_many}
    view = limiter.shared_limit(
        lambda: current_app.config["SIGN_IN_FAILURES_PER_ACCOUNT"], scope=ACCOUNT_SCOPE, key_func=_account,
        exempt_when=_clean_address, **common,
    )(view)
    view = limiter.shared_limit(
        lambda: current_app.config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"], scope=PAIR_SCOPE,
        key_func=_account_and_address, **common,
    )(view)
    return limiter.shared_limit(
        lambda: current_app.config["SIGN_IN_FAILURES_PER_ADDRESS"], scope=ADDRESS_SCOPE, key_func=get_remote_address,
        **common,
    )(view)
