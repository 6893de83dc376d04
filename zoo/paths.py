"""Where the zoo's own data lives: the catalog and the bundled hub folder."""
from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CATALOG_PATH = PROJECT_ROOT / "registry.toml"
BUNDLED_HUB = PROJECT_ROOT / "hub"
