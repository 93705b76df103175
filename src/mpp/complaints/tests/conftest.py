from __future__ import annotations

import pytest

from mpp.accounts.tests.factories import load_demo
from mpp.complaints import demo as complaints_demo


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    loaded = load_demo()
    complaints_demo.load()
    return loaded
