from __future__ import annotations

import pytest

from mpp.accounts.tests.factories import load_demo
from mpp.complaints import demo as complaints_demo


@pytest.fixture
def demo(request, demo_complaints_once, settings, tmp_path):
    """The demo tenancy, accounts and complaints, loaded once per module (root ``conftest.py``)."""
    return demo_complaints_once.for_test(request, settings, tmp_path)


@pytest.fixture
def committed_demo(settings, tmp_path):
    """The same demo loaded by the test itself, for a transactional test (a worker process or a
    live server reads what it committed)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    loaded = load_demo()
    complaints_demo.load()
    return loaded
