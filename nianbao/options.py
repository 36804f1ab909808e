"""Argument types that reject nonsense when the command line is parsed.

A number that makes no sense (``--per-host 0`` is a semaphore nobody ever
acquires: the crawl would wait forever and send nothing) is a usage error,
exit 2, before any work starts — the same rule the registry CSV applies to
its own columns.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def _number(kind: type, minimum: float | None, what: str) -> Callable[[str], float | int]:
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not {'an integer' if kind is int else 'a number'}"
            ) from None
        if value != value or value in (float("inf"), float("-inf")):  # nan, inf
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r}: must be {what}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


positive_int = _number(int, 1, "at least 1")
nonnegative_int = _number(int, 0, "0 or more")
nonnegative_float = _number(float, 0, "0 or more")


def year(text: str) -> int:
    """A statistics year: the reports exist from 2008 (the disclosure regulations) on."""
    value = _number(int, None, "")(text)
    if not 2000 <= value <= 2100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a plausible statistics year (2000-2100)")
    return value
