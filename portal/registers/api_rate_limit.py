"""Keep every worker inside the Companies House API's published limit: 600 requests in any 5 minutes.

The limit is per API key, so every worker process using the key must share one count.
On Redis (the production broker) the count is a sliding-window log in a sorted set,
checked and added to by one Lua script, so two workers can never both take the 600th
place. With the embedded default (SQLite, no Redis) the count is kept in the process:
the development worker is one process, and the server's own headers (see ``hold_until``)
still stop a second process that overruns.

Why not the ``limits`` package (installed with flask-limiter): its storages read the wall
clock inside each call (``time.time()`` in ``RedisStorage.acquire_entry``), so a caller
cannot be told how long to wait on its own clock, nor a test run a 5-minute window in
milliseconds. The script here takes the time as an argument instead.

A strict sliding window, not a fixed one: Companies House's window starts when it
pleases, and 600 at the end of our window plus 600 at the start of the next would be
1,200 within its five minutes.
"""
from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable

# https://developer-specs.company-information.service.gov.uk/guides/rateLimiting
PUBLISHED_LIMIT = 600
PUBLISHED_WINDOW_SECONDS = 300.0

# KEYS[1]: the log (a sorted set of request times); KEYS[2]: "nobody asks before" (the server said so).
# ARGV: now, window, limit, a unique member. Returns "0" when the request may go, else the seconds
# to wait, as text (Redis would truncate a Lua number to an integer).
_SLIDING_WINDOW = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local held = tonumber(redis.call('GET', KEYS[2]) or '0')
if held > now then
  return tostring(held - now)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + window - now)
"""

# Only ever moves the hold later: two workers told different resets keep the later one.
_HOLD_UNTIL = """
local until_ = tonumber(ARGV[1])
local held = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > held then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 0
"""


class RequestWindow:
    """Waits, with the clock and sleep it is given, until a request may go."""

    def __init__(self, limit: int = PUBLISHED_LIMIT, window: float = PUBLISHED_WINDOW_SECONDS,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep):
        self.limit, self.window, self.clock, self.sleep = limit, window, clock, sleep

    def acquire(self) -> float:
        """Take a place in the window, sleeping until one is free; return the seconds waited."""
        waited = 0.0
        while (wait := self.try_acquire()) > 0:
            self.sleep(wait)
            waited += wait
        return waited

    def try_acquire(self) -> float:
        """Take a place now and return 0, or return the seconds until one may be free."""
        raise NotImplementedError

    def hold_until(self, when: float) -> None:
        """Let no request go before ``when`` (epoch seconds): the server said its window is spent."""
        raise NotImplementedError


class LocalRequestWindow(RequestWindow):
    """The count kept in this process (the embedded development default)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._times: deque[float] = deque()
        self._held_until = 0.0
        self._lock = threading.Lock()

    def try_acquire(self) -> float:
        with self._lock:
            now = self.clock()
            if self._held_until > now:
                return self._held_until - now
            while self._times and self._times[0] <= now - self.window:
                self._times.popleft()
            if len(self._times) < self.limit:
                self._times.append(now)
                return 0.0
            return self._times[0] + self.window - now

    def hold_until(self, when: float) -> None:
        with self._lock:
            self._held_until = max(self._held_until, when)


class RedisRequestWindow(RequestWindow):
    """The count shared by every process that uses the same Redis and the same API key."""

    def __init__(self, redis_client, name: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.redis = redis_client
        self.log_key, self.hold_key = f"{name}:log", f"{name}:held-until"
        self._slide = redis_client.register_script(_SLIDING_WINDOW)
        self._hold = redis_client.register_script(_HOLD_UNTIL)

    def try_acquire(self) -> float:
        now = self.clock()
        wait = self._slide(keys=[self.log_key, self.hold_key],
                           args=[repr(now), repr(self.window), self.limit, f"{now!r}:{uuid.uuid4().hex}"])
        return max(float(wait), 0.0)

    def hold_until(self, when: float) -> None:
        expire_ms = max(int((when - self.clock()) * 1000) + 1000, 1000)
        self._hold(keys=[self.hold_key], args=[repr(when), expire_ms])


def window_name(api_key: str) -> str:
    """The Redis key prefix for one API key's count (the limit is per key; the key itself is not stored)."""
    return "companies-house-api:" + hashlib.sha256(api_key.encode()).hexdigest()[:16]


def window_for(url: str, api_key: str, **kwargs) -> RequestWindow:
    """The shared window when ``url`` is Redis, else one for this process."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        return RedisRequestWindow(redis.Redis.from_url(url), window_name(api_key), **kwargs)
    if kwargs:
        return LocalRequestWindow(**kwargs)
    # One count per key for the whole process: each task makes a new client, and they must share it.
    with _LOCAL_LOCK:
        return _LOCAL_WINDOWS.setdefault(window_name(api_key), LocalRequestWindow())


_LOCAL_WINDOWS: dict[str, LocalRequestWindow] = {}
_LOCAL_LOCK = threading.Lock()
