"""The README's first two commands are what a new user runs, and what CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    first_block = text.split("```")[1]
    return [line[2:] for line in first_block.splitlines() if line.startswith("$ ")]


def test_readme_starts_with_setup_plus_build_then_tests():
    text = (ROOT / "README.md").read_text("utf-8")
    assert text.index("```") < text.index("\n## "), "the commands come before any section"
    setup, tests = readme_commands()[:2]
    assert re.search(r"pip install -e \S*\.", setup)
    assert "kg build examples/corpus" in setup and "&&" in setup
    assert tests.split()[-1] == "pytest"


def test_ci_runs_the_readme_commands_in_a_fresh_venv():
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "python3 -m venv" in ci and "README.md" in ci and 'eval "${commands[1]}"' in ci


def test_the_build_command_points_at_the_shipped_corpus():
    corpus = ROOT / "examples" / "corpus"
    assert sorted(p.name for p in corpus.glob("*.txt")) == [
        "pentagon-iraq-drawdown.txt", "us-troop-reduction-iraq.txt"]
