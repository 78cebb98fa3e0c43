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

A browser that has signed in to an account before holds a device cookie for it (OWASP's "device
cookies"; ASVS 6.3.x): signed by the app, naming the account and a random device id. Sign-ins to
that account from that browser skip the three counts above, which a stranger can fill (a stranger
behind the same office address, spraying accounts, fills the address count), and are held by a
count of their own per device instead. So the people who use an account keep signing in from
their own browsers whatever anyone else does, and a stolen device cookie buys no more guesses than
a mistyping owner gets.
"""
from __future__ import annotations

import math
import secrets
import time

from flask import current_app, g, render_template, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse_many

from portal.extensions import limiter

from . import services

ADDRESS_SCOPE = "sign-in-failures:address"
ACCOUNT_SCOPE = "sign-in-failures:account"
PAIR_SCOPE = "sign-in-failures:account-and-address"
DEVICE_SCOPE = "sign-in-failures:device"
DEVICE_COOKIE = "portal_device"
_DEVICE_SALT = "sign-in-device"


def record_failure() -> None:
    """The view calls this for a wrong email or password: only then are the counts charged."""
    g.sign_in_failed = True


def _failed(response) -> bool:
    return bool(g.get("sign_in_failed"))


def _account() -> str:
    return services.normalise_email(request.form.get("email", ""))


def _account_and_address() -> str:
    return f"{_account()}|{get_remote_address()}"


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_DEVICE_SALT)


def remember_device(response, email: str):
    """After a successful sign-in: give this browser a device cookie for the account (kept if it has one)."""
    device = _device_id() or secrets.token_urlsafe(18)
    token = _devices().dumps({"account": services.normalise_email(email), "device": device})
    days = current_app.config["SIGN_IN_DEVICE_DAYS"]
    response.set_cookie(
        DEVICE_COOKIE, token, max_age=days * 86400, httponly=True, samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False), path="/sign-in",
    )
    return response


def _device_id() -> str | None:
    """The device id of a genuine, unexpired device cookie for the account being signed in to; else None."""
    if "device_id" not in g:
        g.device_id = None
        token = request.cookies.get(DEVICE_COOKIE)
        if token:
            try:
                found = _devices().loads(token, max_age=current_app.config["SIGN_IN_DEVICE_DAYS"] * 86400)
            except BadSignature:
                found = None
            if isinstance(found, dict) and found.get("account") == _account() and isinstance(found.get("device"), str):
                g.device_id = found["device"]
    return g.device_id


def _known_device() -> bool:
    return _device_id() is not None


def _unknown_device() -> bool:
    return not _known_device()


def _device_key() -> str:
    return f"{_account()}|{_device_id()}"


def _steps(setting: str, key: str, scope: str):
    """Each step of one count, with its window for this key: (step, remaining, reset time)."""
    for item in parse_many(current_app.config[setting]):
        stats = limiter.limiter.get_window_stats(item, key, scope)
        yield item, stats.remaining, stats.reset_time


def address_has_failures(address: str) -> bool:
    """True once this address has failed a sign-in within any step's window."""
    return any(remaining < item.amount for item, remaining, _ in _steps("SIGN_IN_FAILURES_PER_ADDRESS", address, ADDRESS_SCOPE))


def _clean_address_or_known_device() -> bool:
    return _known_device() or not address_has_failures(get_remote_address())


def seconds_to_wait() -> int:
    """Until every full step of every count that applies here has reset.

    Flask-Limiter stops at the first full step (the shortest window), whose wait
    would understate a longer one that is full too.
    """
    if _known_device():
        counts = [("SIGN_IN_FAILURES_PER_DEVICE", _device_key(), DEVICE_SCOPE)]
    else:
        counts = [("SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS", _account_and_address(), PAIR_SCOPE),
                  ("SIGN_IN_FAILURES_PER_ADDRESS", get_remote_address(), ADDRESS_SCOPE)]
        if address_has_failures(get_remote_address()):
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
    """Decorate the sign-in view with the three failure counts, or a known device's own count."""
    common = {"methods": ["POST"], "deduct_when": _failed, "on_breach": _too_many}
    view = limiter.shared_limit(
        lambda: current_app.config["SIGN_IN_FAILURES_PER_DEVICE"], scope=DEVICE_SCOPE, key_func=_device_key,
        exempt_when=_unknown_device, **common,
    )(view)
    view = limiter.shared_limit(
        lambda: current_app.config["SIGN_IN_FAILURES_PER_ACCOUNT"], scope=ACCOUNT_SCOPE, key_func=_account,
        exempt_when=_clean_address_or_known_device, **common,
    )(view)
    view = limiter.shared_limit(
        lambda: current_app.config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"], scope=PAIR_SCOPE,
        key_func=_account_and_address, exempt_when=_known_device, **common,
    )(view)
    return limiter.shared_limit(
        lambda: current_app.config["SIGN_IN_FAILURES_PER_ADDRESS"], scope=ADDRESS_SCOPE, key_func=get_remote_address,
        exempt_when=_known_device, **common,
    )(view)
