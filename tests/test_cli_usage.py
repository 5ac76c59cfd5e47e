"""The `kg` command's messages and guards (issue 14, item 19): one clear line per mistake, no
traceback, nothing written where it should not be, help that shows words and examples."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
runner = CliRunner()


def kg(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def one_error_line(result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output, result.output
    return lines[0]


# --- kg query ---------------------------------------------------------------------------------
def test_an_unknown_format_is_refused_before_running(example_build):
    result = kg("query", example_build, "SELECT * WHERE { ?s ?p ?o }", "--format", "yaml")
    assert result.exit_code == 2 and "unknown format 'yaml'" in one_error_line(result)


def test_construct_in_a_solutions_format_is_refused_not_printed_as_turtle(example_build):
    result = kg("query", example_build, "CONSTRUCT WHERE { ?s a kg:Person }", "--format", "csv")
    assert result.exit_code == 2 and "ttl, nt, jsonld, rdfxml" in one_error_line(result)
    turtle = kg("query", example_build, "CONSTRUCT WHERE { ?s a kg:Person }", "--format", "ttl")
    assert turtle.exit_code == 0 and "kg:Person" in turtle.output


def test_error_positions_are_the_querys_own(example_build):
    result = kg("query", example_build, "SELECT * WHERE { ?s ?p }")
    assert result.exit_code == 2 and "error at 1:" in one_error_line(result)


def test_an_unknown_prefix_is_named_in_one_line(example_build):
    result = kg("query", example_build, "SELECT * WHERE { ?s foo:bar ?o }")
    line = one_error_line(result)
    assert "unknown prefix 'foo:'" in line and "PREFIX foo:" in line and "'\\u{" not in line


def test_a_repeated_param_is_refused(example_build):
    result = kg("query", example_build, "--saved", "who-met-whom", "--param", "limit=1", "--param", "limit=2")
    assert result.exit_code == 2 and "given twice" in one_error_line(result)


# --- kg build: where it reads and writes -------------------------------------------------------
def test_into_a_missing_folder_is_refused(tmp_path):
    result = kg("build", CORPUS, "--into", tmp_path / "nope")
    assert result.exit_code == 2 and "not a newskg build" in one_error_line(result)
    assert not (tmp_path / "nope").exists()


def test_out_into_a_folder_of_other_files_is_refused(tmp_path):
    (tmp_path / "graph.ttl").write_text("mine\n")
    result = kg("build", CORPUS, "--out", tmp_path)
    assert result.exit_code == 2 and "holds other files" in one_error_line(result)
    assert (tmp_path / "graph.ttl").read_text() == "mine\n" and sorted(os.listdir(tmp_path)) == ["graph.ttl"]


def test_a_build_folder_given_as_input_is_not_read_as_articles(example_build, tmp_path):
    result = kg("build", example_build, "--out", tmp_path / "out", "--no-explorer")
    assert result.exit_code == 1 and "a newskg build, not a folder of articles" in result.output
    assert not list((tmp_path / "out").rglob("*.*"))       # nothing written


def test_an_empty_folder_says_what_it_lacks(tmp_path):
    (tmp_path / "notes.md").write_text("not an article\n")
    result = kg("build", tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 1 and ".txt, .html, .htm, .jsonl" in one_error_line(result)


def test_skipped_inputs_are_one_plain_line_each_whatever_the_width(tmp_path):
    bad = tmp_path / ("[red]x[bold]-" + "a-very-long-file-name-" * 6 + ".txt")
    bad.write_text("")
    result = kg("build", bad, "--out", tmp_path / "out")
    assert result.exit_code == 1
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 1 and str(bad) in skipped[0] and "empty file" in skipped[0]


# --- help -------------------------------------------------------------------------------------
COMMANDS = ["build", "remove", "query", "validate", "eval", "export", "stats", "path", "view", "serve", "push"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_words_and_an_example_not_python_types(command):
    text = kg(command, "--help").output
    assert "Example" in text and f"kg {command} " in text.split("Example", 1)[1]
    assert "<list[" not in text and "<bool>" not in text and "<path>" not in text and "<str>" not in text


# --- kg serve ---------------------------------------------------------------------------------
def _kg_serve(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from kg.cli import app; app()", "serve", *args],
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def _until_serving(server: subprocess.Popen) -> list[str]:
    lines = []
    for line in server.stderr:
        lines.append(line)
        if "Ctrl-C stops" in line:
            return lines
    raise AssertionError(f"kg serve did not start: {lines}")


def test_kg_serve_on_a_busy_port_says_so_in_one_line(example_build):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        server = _kg_serve(str(example_build), "--port", str(taken.getsockname()[1]))
        _, errors = server.communicate(timeout=120)
    assert server.returncode == 1 and "already in use" in errors and "--port" in errors
    assert "Traceback" not in errors and len(errors.strip().splitlines()) == 1


def test_kg_serve_refuses_every_address_without_public(example_build):
    server = _kg_serve(str(example_build), "--host", "0.0.0.0", "--port", "0")
    _, errors = server.communicate(timeout=120)
    assert server.returncode == 2 and "--public" in errors and "Traceback" not in errors


def test_kg_serve_public_warns_and_ctrl_c_stops_it_quietly(example_build):
    server = _kg_serve(str(example_build), "--port", "0", "--public", "--quiet")
    try:
        started = _until_serving(server)
        assert any(line.startswith("warning:") and "any host name" in line for line in started)
        os.killpg(server.pid, signal.SIGINT)          # as a terminal's Ctrl-C: to the whole group
        _, rest = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode == 0 and "Traceback" not in rest and "KeyboardInterrupt" not in rest


@pytest.mark.slow
def test_ctrl_c_stops_a_parallel_build_without_worker_tracebacks(tmp_path):
    import psutil

    from bench.corpus import write_corpus

    write_corpus(tmp_path / "corpus", 120)
    build = subprocess.Popen([sys.executable, "-c", "from kg.cli import app; app()", "build", str(tmp_path / "corpus"),
                              "--out", str(tmp_path / "out"), "--jobs", "2", "--no-explorer"],
                             stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        parent = psutil.Process(build.pid)
        deadline = time.monotonic() + 240
        while len(parent.children()) < 2 and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)                       # parsing workers forked: the model is loaded
        assert build.poll() is None, "the build ended before it could be interrupted"
        time.sleep(1.0)
        os.killpg(build.pid, signal.SIGINT)       # as a terminal's Ctrl-C: to the whole group
        _, errors = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == 130 and "interrupted" in errors
    assert "Traceback" not in errors and "KeyboardInterrupt" not in errors


def test_parsing_workers_leave_ctrl_c_to_the_build():
    """A terminal's Ctrl-C reaches every process of the group: workers that took it would each
    print a KeyboardInterrupt traceback mid-parse; the parent stops the pool instead."""
    import multiprocessing as mp

    from kg.extract.pipeline import _init_worker

    with mp.get_context("fork").Pool(1, initializer=_init_worker, initargs=(None,)) as pool:
        assert pool.apply(signal.getsignal, (signal.SIGINT,)) == signal.SIG_IGN
