"""notebooks/explore.ipynb: committed without outputs, and runs top to bottom on the example corpus.

WHY a private kernelspec: the notebook must run in the interpreter under test (a fresh CI venv,
no network), never in whatever "python3" kernel a machine has registered elsewhere. So the test
writes a kernelspec naming sys.executable into a temporary JUPYTER_PATH and isolates IPYTHONDIR
from the user's startup files. Cells are found by their tags, so the notebook can be reworded.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="needs the dev extra (nbformat)")
nbclient = pytest.importorskip("nbclient", reason="needs the dev extra (nbclient)")
pytest.importorskip("ipykernel", reason="needs the dev extra (ipykernel)")
pytest.importorskip("pandas", reason="needs the dev extra (pandas)")

from kg.query.saved import saved_names  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"
KERNEL_NAME = "newskg-test-python"
CELL_TIMEOUT = 300


def test_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{NOTEBOOK}: no code cells"
    dirty = [c.get("id", i) for i, c in enumerate(code) if c.outputs or c.execution_count is not None]
    assert not dirty, f"{NOTEBOOK}: clear the outputs of cells {dirty} before committing"


def _kernelspec(root: Path) -> Path:
    """A kernelspec that starts ipykernel with this very interpreter."""
    spec = root / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "newskg test (this interpreter)",
        "language": "python",
        "metadata": {"debugger": False},
    }), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook after one run from top to bottom, in its own folder (as a user would run it)."""
    jupyter = _kernelspec(tmp_path_factory.mktemp("jupyter"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL_NAME, allow_errors=False,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    with pytest.MonkeyPatch.context() as env:
        env.setenv("JUPYTER_PATH", str(jupyter))
        env.setenv("IPYTHONDIR", str(tmp_path_factory.mktemp("ipython")))
        env.setenv("JUPYTER_PLATFORM_DIRS", "1")
        try:
            client.execute()
        except nbclient.exceptions.CellExecutionError as err:
            pytest.fail(f"{NOTEBOOK.name}: a cell failed:\n{err}")
    return nb


def _cell(nb, tag: str):
    found = [c for c in nb.cells if tag in c.metadata.get("tags", ())]
    assert len(found) == 1, f"expected one cell tagged {tag!r}, found {len(found)}"
    return found[0]


def _text(cell) -> str:
    """Everything a cell showed as plain text: printed output and displayed values."""
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.data.get("text/plain", ""))
    return "\n".join(parts)


def _html(cell) -> str:
    return "\n".join(out.data.get("text/html", "") for out in cell.outputs
                     if out.output_type in ("execute_result", "display_data"))


def test_runs_every_code_cell_without_error(executed):
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    stderr = "".join(o.text for c in code for o in c.outputs if o.output_type == "stream" and o.name == "stderr")
    assert "Traceback" not in stderr


def test_build_reports_counts(executed):
    text = _text(_cell(executed, "build"))
    match = re.search(r"(\d+) articles -> (\d+) entities, (\d+) events", text)
    assert match, text
    assert int(match.group(1)) == 2 and int(match.group(2)) > 0 and int(match.group(3)) > 0
    assert "skipped:" not in text


def test_lists_every_saved_question(executed):
    text = _text(_cell(executed, "saved-list"))
    assert all(name in text for name in saved_names())


def test_events_of_actor_and_meetings(executed):
    events = _text(_cell(executed, "events-of-actor"))
    assert "Meeting" in events and "Riyadh" in events
    meetings = _text(_cell(executed, "who-met-whom"))
    assert "Donald Trump" in meetings and "Ahmed al-Sharaa" in meetings


def test_troop_levels_table(executed):
    for tag in ("troop-levels", "troop-levels-iraq"):
        text = _text(_cell(executed, tag))
        values = {int(v.replace(",", "")) for v in re.findall(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d{3,})(?![\d.,])", text)}
        assert {2500, 2000} <= values, f"{tag}: {text}"
        assert "fewer than" in text and "roughly" in text


def test_ranks_actors(executed):
    text = _text(_cell(executed, "ranking"))
    assert re.search(r"\d+ entities and \d+ events from 2 articles", text)
    header = next(line for line in text.splitlines() if "pagerank" in line)
    assert all(col in header for col in ("actor", "degree", "betweenness"))
    assert "United States" in text or "Iraq" in text


def test_path_prints_steps_with_evidence(executed):
    text = _text(_cell(executed, "path"))
    assert re.search(r"Donald Trump -> Ahmed al-Sharaa: [1-9]\d* step", text), text
    assert re.search(r"^1\. Donald Trump -> Ahmed al-Sharaa: (event|relation) ", text, re.M), text
    evidence = [line for line in text.splitlines() if line.strip().startswith("evidence (")]
    assert evidence and "Riyadh" in "\n".join(evidence)


def test_explorer_inline(executed):
    cell = _cell(executed, "explorer")
    assert not [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
    page = _html(cell)
    assert "<iframe" in page and 'sandbox="allow-scripts"' in page
    srcdoc = re.search(r'srcdoc="([^"]*)"', page)
    assert srcdoc and "&lt;!DOCTYPE html&gt;" in srcdoc.group(1)  # the page, escaped into the attribute
    assert "Ahmed al-Sharaa" in srcdoc.group(1)
