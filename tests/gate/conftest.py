from __future__ import annotations

from pathlib import Path

import pytest
import yaml

PROGRAMS = Path(__file__).parent / "programs"


@pytest.fixture
def snapshot(tmp_path):
    """Write a snapshot file from a list of quota entries; returns its path."""

    def write(entries, *, name="serving.yaml", region="eu-west-1", account="123456789012"):
        path = tmp_path / name
        path.write_text(
            yaml.safe_dump(
                {"provider": "aws", "account": account, "region": region, "quotas": entries}
            )
        )
        return path

    return write
