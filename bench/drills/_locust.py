"""The mixed load of ``bench/locustfile.py``, with every server error written down as it happens.

Locust's own CSV counts 429 and 409 answers of the mix as failures and keeps no time per failure;
a drill needs the moment of each 5xx and connection error (``DRILL_ERRORS_FILE``: one line
``<unix time> <status, 0 for no answer> <request name>`` each).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from locust import events

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from locustfile import *  # noqa: F403 - the user classes of the mix

_errors = open(os.environ["DRILL_ERRORS_FILE"], "a")  # noqa: SIM115


@events.request.add_listener
def _record(name: str, response=None, exception=None, **_kwargs) -> None:
    status = getattr(response, "status_code", 0) or 0
    if status >= 500 or (exception is not None and status == 0):
        _errors.write(f"{time.time():.3f} {status} {name}\n")
        _errors.flush()
