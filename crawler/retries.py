"""Retry what a later attempt can fix, and nothing else.

Connection errors, timeouts, HTTP 429 and 5xx are transient on government
portals (overloaded servers, rate limits); other 4xx answers and anti-bot
blocks are not, and retrying them only adds load.  Waits grow exponentially
with full jitter so parallel workers do not retry in lockstep; a server's
Retry-After (seconds or HTTP-date) wins over our own schedule, capped so a
hostile value cannot stall the crawl.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
import tenacity

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base: float = 1.0  # seconds; first backoff is up to base, then 2x, 4x ...
    cap: float = 60.0
    retry_after_cap: float = 300.0


class RetryableStatus(Exception):
    """An HTTP answer worth another attempt; carries the answer and any Retry-After."""

    def __init__(self, status: int, retry_after: float | None, result: object):
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after
        self.result = result


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def is_retryable_status(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


def is_retryable_exception(exc: BaseException) -> bool:
    return isinstance(exc, RetryableStatus | httpx.TransportError)


class _Wait(tenacity.wait.wait_base):
    def __init__(self, policy: RetryPolicy):
        self.policy = policy
        self.backoff = tenacity.wait_random_exponential(multiplier=policy.base, max=policy.cap)

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, RetryableStatus) and exc.retry_after is not None:
            return min(exc.retry_after, self.policy.retry_after_cap)
        return self.backoff(retry_state)


async def with_retries(
    attempt: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    on_retry: Callable[[BaseException, float], None] | None = None,
) -> T:
    """Run ``attempt`` until it succeeds or the policy gives up.

    A RetryableStatus still failing after the last attempt returns its answer
    (the caller records the final status); a transport error is re-raised.
    """

    def before_sleep(state: tenacity.RetryCallState) -> None:
        if on_retry and state.outcome is not None:
            on_retry(state.outcome.exception(), state.next_action.sleep if state.next_action else 0.0)

    retrying = tenacity.AsyncRetrying(
        stop=tenacity.stop_after_attempt(max(1, policy.attempts)),
        wait=_Wait(policy),
        retry=tenacity.retry_if_exception(is_retryable_exception),
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        return await retrying(attempt)
    except RetryableStatus as e:
        return e.result  # type: ignore[return-value]
