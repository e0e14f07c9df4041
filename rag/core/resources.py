"""Where the package's own files are: the prompts, the eval's gold data and the seed articles.

In a source checkout (and an editable install) they are the top-level folders `prompts/`,
`evals/` and `seeds/`. A wheel ships copies of them inside the package, under `rag/data/`
(package data mapped in pyproject.toml), so `pip install .` and pipx installs can answer
and run the eval with no checkout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

PACKAGE = Path(__file__).resolve().parents[1]  # rag/

Resource = Literal["prompts", "evals", "seeds"]


def resource_dir(name: Resource) -> Path:
    bundled = PACKAGE / "data" / name
    return bundled if bundled.is_dir() else PACKAGE.parent / name


def in_checkout() -> bool:
    """Running from a source tree, where eval runs are written next to the gold data."""
    return not (PACKAGE / "data").is_dir() and (PACKAGE.parent / "pyproject.toml").is_file()
