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


def set_verbosity(level: int) -> None:
    """-q → errors only; default → warnings; -v → each request; -vv → debugging detail."""
    logging.basicConfig(format="%(levelname)s: %(message)s")
    logging.getLogger().setLevel(
        logging.ERROR
        if level < 0
        else logging.WARNING
        if level == 0
        else logging.INFO
        if level == 1
        else logging.DEBUG
    )


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
