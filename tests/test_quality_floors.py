"""Quality on real annotated news keeps its floors (`python -m bench.quality`, product side only).

Where ../shared/devdata is present (CI has it, a user's checkout does not), every corpus is built
with the real `kg build` and scored from the build, as the benchmark does. Each floor is a few
points under the figure measured when it last improved (bench/results/quality.json), so a change
that loses quality fails here instead of passing silently. Raise a floor when a figure improves.
"""

from __future__ import annotations

import pytest

from bench.quality.__main__ import CORPORA, FOLDERS, TITLES, run
from bench.quality.common import devdata_root

# (corpus, measure as bench.quality names it) -> the least the product may score.
FLOORS = {
    ("conll2003", "PER/ORG/LOC exact F1, micro (all text)"): 0.61,
    ("conll2003", "PER/ORG/LOC exact F1, micro (running text)"): 0.76,
    ("meantime", "named PER/ORG/LOC typed-overlap recall (dense part)"): 0.86,
    ("meantime", "named PER/ORG/LOC typed-overlap precision (dense part)"): 0.71,
    ("meantime", "event precision, trigger overlaps a gold event (dense part)"): 0.90,
    ("meantime", "event triggers recall, OTHER + SPEECH_COGNITIVE (dense part)"): 0.54,
    ("meantime", "participants of found events: named PER/ORG/LOC attached"): 0.75,
    ("meantime", "cross-doc coref of named mentions, over gold mentions found: B3 F1"): 0.86,
    ("tbaq", "time spans found, overlap recall"): 0.94,
    ("tbaq", "normalized value exact, all TIMEX3"): 0.77,
    ("tbaq", "normalized value exact, DATE TIMEX3"): 0.79,
    ("conll04", "Work_For precision"): 0.75,
}

ROOT = devdata_root()
PRESENT = [name for name in CORPORA if (ROOT / FOLDERS[name]).is_dir()]
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PRESENT, reason=f"no annotated corpora under {ROOT} (../shared/devdata)")]


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> dict[tuple[str, str], float]:
    work = tmp_path_factory.mktemp("quality")
    results = run(PRESENT, ROOT, work, None, 2, False, {}, with_floor=False)
    by_title = {TITLES[name]: name for name in CORPORA}
    return {(by_title[r["corpus"]], r["measure"]): r["newskg"] for r in results["rows"]}


@pytest.mark.parametrize(("corpus", "measure"), sorted(FLOORS))
def test_quality_stays_above_its_floor(scores, corpus, measure):
    if corpus not in PRESENT:
        pytest.skip(f"{corpus}: corpus folder absent")
    assert (corpus, measure) in scores, f"bench.quality no longer reports {measure!r} for {corpus}"
    assert scores[(corpus, measure)] >= FLOORS[(corpus, measure)]


def test_the_floors_name_corpora_the_benchmark_knows():
    assert {corpus for corpus, _ in FLOORS} <= set(CORPORA) == set(FOLDERS)
