"""The docs stay true to the code: every relative link resolves, every setting is documented
and every documented setting exists, and the front doors stay short enough to read."""

import re
from pathlib import Path

from rag.core.config import Settings

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", ROOT / "evals" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


def test_every_relative_link_of_the_docs_resolves():
    broken = []
    for page in PAGES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_the_readme_documents_every_setting_and_no_other():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    config = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = {name.lower() for name in re.findall(r"`RAG_([A-Z_]+)`", config)}
    fields = set(Settings.model_fields)
    assert documented - fields == set(), "documented settings that do not exist"
    assert fields - documented == set(), "settings the README's table does not name"


def test_the_front_doors_stay_short():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 250
    assert len((ROOT / "evals" / "README.md").read_text().splitlines()) <= 400
    readme = (ROOT / "README.md").read_text()
    for page in (ROOT / "docs").glob("*.md"):  # every guide page is reachable from the README
        assert f"docs/{page.name}" in readme, page.name
