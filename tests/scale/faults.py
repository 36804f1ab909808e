"""Extract functions for the fault tests: ``extract_one`` itself, unless the document asks for trouble.

Workers import this module (the process pool by name; Ray gets it pickled by
value), so everything a worker needs is at module level.  A marker in the
document's bytes says what goes wrong:

* ``nianbao-test:crash`` — the worker kills itself (every attempt);
* ``nianbao-test:hang`` — the worker sleeps far past any time limit;
* ``nianbao-test:kill-me=PATH`` — on the first attempt the worker writes its pid
  to PATH and waits to be killed from outside; once PATH exists it extracts.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

from dataset.extract_archive import extract_one

CRASH = b"<!-- nianbao-test:crash -->"
HANG = b"<!-- nianbao-test:hang -->"


def kill_me_marker(pidfile: Path) -> bytes:
    return f"<!-- nianbao-test:kill-me={pidfile} -->".encode()


def faulty_extract(data: bytes, media_type: str | None, url: str) -> dict:
    if CRASH in data:
        os.kill(os.getpid(), signal.SIGKILL)
    if HANG in data:
        time.sleep(300)
    m = re.search(rb"nianbao-test:kill-me=(\S+) -->", data)
    if m:
        pidfile = Path(m.group(1).decode())
        if not pidfile.exists():
            tmp = pidfile.with_name(pidfile.name + ".tmp")
            tmp.write_text(str(os.getpid()))
            tmp.replace(pidfile)
            time.sleep(300)  # killed from outside long before this ends
    return extract_one(data, media_type, url)


def slow_extract(data: bytes, media_type: str | None, url: str) -> dict:
    """A document that takes a while: gives a test time to kill the driver mid-run."""
    time.sleep(0.4)
    return extract_one(data, media_type, url)
