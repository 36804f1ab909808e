"""How the command ends when the user or the pipe ends it first.

Ctrl-C is a normal way to stop a crawl (the ledger makes it resumable), so it
gets one line and the shell's 130, not a traceback.  A reader that closes the
pipe (``nianbao … | head``) gets no traceback either: stdout is pointed at
/dev/null so the interpreter's last flush cannot fail again, and the exit code
is the shell's 141 (128 + SIGPIPE).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

INTERRUPTED = "interrupted — rerun the same command to resume"
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (a test's capture, a redirected stream)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def set_verbosity(level: int) -> None:
    """-q → errors only; default → warnings; -v → each request; -vv → debugging detail, the HTTP library's too."""
    root = logging.getLogger()
    if not any(isinstance(h, _Stderr) for h in root.handlers):
        root.addHandler(_Stderr())
    root.setLevel(
        logging.ERROR
        if level < 0
        else logging.WARNING
        if level == 0
        else logging.INFO
        if level == 1
        else logging.DEBUG
    )
    for name in ("httpx", "httpcore"):  # their INFO is one line per request, which -v already gives
        logging.getLogger(name).setLevel(logging.NOTSET if level >= 2 else logging.WARNING)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout without a descriptor (captured, replaced)
        pass


def guarded(run: Callable[[], int]) -> int:
    """``run()``'s exit code, or the conventional one for an interrupt or a closed pipe."""
    try:
        code = run()
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        print(f"\n{INTERRUPTED}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
