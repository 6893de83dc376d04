"""The README is a front page whose commands are the ones CI runs; it and the docs/ pages it links
cover every CLI command and every published model, and every link between them leads somewhere."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CATALOG
from conftest import REPO_ROOT

from zoo.core.catalog import read_catalog
from zoo.core.registry import get_spec
from zoo.cli.commands import COMMANDS

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((REPO_ROOT / "docs").glob("*.md"))
FRONT_PAGE_LINES = 200
LINK = re.compile(r"\]\(([^)\s]+)\)")


def published() -> list[str]:
    """The catalogued models that sample (evaluation networks are described beside the tables)."""
    return [name for name in read_catalog(CATALOG) if get_spec(name).family != "classifier"]


def test_ci_runs_the_readme_test_command():
    ci_command = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci_command in README


def test_readme_is_a_front_page():
    assert len(README.splitlines()) <= FRONT_PAGE_LINES
    for heading in ("## Try it", "## The models", "## Python API", "## Command line", "## Benchmarks"):
        assert heading in README


def test_readme_documents_every_cli_command():
    missing = [name for name in COMMANDS if f"zoo {name}" not in README]
    assert not missing, f"README.md does not mention: {missing}"


@pytest.mark.parametrize("page, prefix", [("README.md", ""), ("docs/models.md", "../")])
def test_every_pretrained_model_is_listed_with_its_card(page, prefix):
    text = (REPO_ROOT / page).read_text(encoding="utf-8")
    missing = [name for name in published() if f"[`{name}`]({prefix}hub/generative-zoo/{name}/README.md)" not in text]
    assert not missing, f"{page}'s model tables lack: {missing}"


def test_readme_links_every_docs_page():
    assert DOCS, "docs/ has no pages"
    assert not [page.name for page in DOCS if f"(docs/{page.name})" not in README]


def anchors(page: Path) -> set[str]:
    """GitHub's anchors for the headings of a Markdown page."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("page", [REPO_ROOT / "README.md", *DOCS], ids=lambda page: page.name)
def test_every_relative_link_leads_to_a_file_and_heading(page):
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if "://" in target:
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists() or (anchor and file.suffix == ".md" and anchor not in anchors(file)):
            broken.append(target)
    assert not broken, f"{page.name} links to nothing at: {broken}"


def test_the_bench_table_in_the_docs_is_the_recorded_one():
    """docs/benchmarks.md shows the run whose results are kept in benchmarks/results (rerun: copy bench.md over)."""
    recorded = (REPO_ROOT / "benchmarks" / "results" / "bench.md").read_text(encoding="utf-8").strip()
    assert recorded in (REPO_ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
