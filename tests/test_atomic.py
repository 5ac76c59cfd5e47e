"""All-or-nothing writes: the old file survives any failure and no temp files are left behind."""

from __future__ import annotations

import os
import stat

import pytest

from kg.store.atomic import atomic_open, atomic_write_bytes, atomic_write_text


class Boom(Exception):
    pass


def _listing(directory):
    return sorted(p.name for p in directory.iterdir())


def test_write_text_creates_file_with_exact_content(tmp_path):
    target = tmp_path / "out.ttl"
    atomic_write_text(target, "héllo\nwörld 🌍\r\n")
    assert target.read_bytes() == "héllo\nwörld 🌍\r\n".encode("utf-8")
    assert _listing(tmp_path) == ["out.ttl"]


def test_write_bytes_replaces_existing_file(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    atomic_write_bytes(str(target), b"\x00new\xff")
    assert target.read_bytes() == b"\x00new\xff"
    assert _listing(tmp_path) == ["out.bin"]


@pytest.mark.parametrize("mode, first, second", [("w", "part one ", "part two"), ("wb", b"part one ", b"part two")])
def test_exception_mid_write_keeps_old_content(tmp_path, mode, first, second):
    target = tmp_path / "graph.trig"
    target.write_text("old content", encoding="utf-8")
    with pytest.raises(Boom):
        with atomic_open(target, mode) as fh:
            fh.write(first)
            fh.flush()
            raise Boom()
    assert target.read_text(encoding="utf-8") == "old content"
    assert _listing(tmp_path) == ["graph.trig"]


def test_exception_before_first_write_creates_nothing(tmp_path):
    target = tmp_path / "new.html"
    with pytest.raises(Boom):
        with atomic_open(target) as fh:
            raise Boom()
    assert _listing(tmp_path) == []


def test_keyboard_interrupt_also_cleans_up(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("keep")
    with pytest.raises(KeyboardInterrupt):
        with atomic_open(target) as fh:
            fh.write("half")
            raise KeyboardInterrupt
    assert target.read_text() == "keep"
    assert _listing(tmp_path) == ["a.txt"]


def test_content_invisible_until_block_ends(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with atomic_open(target) as fh:
        fh.write("new")
        fh.flush()
        assert target.read_text() == "old"
    assert target.read_text() == "new"


def test_failed_rename_onto_directory_leaves_no_temp(tmp_path):
    target = tmp_path / "adir"
    target.mkdir()
    (target / "inside").write_text("x")
    with pytest.raises(OSError):
        atomic_write_text(target, "data")
    assert _listing(tmp_path) == ["adir"]
    assert _listing(target) == ["inside"]


def test_missing_directory_error_names_the_file(tmp_path):
    target = tmp_path / "no" / "such" / "dir.txt"
    with pytest.raises(FileNotFoundError, match="dir.txt"):
        atomic_write_text(target, "x")


def test_bad_mode_rejected(tmp_path):
    with pytest.raises(ValueError, match="mode"):
        with atomic_open(tmp_path / "x", "a"):
            pass
    assert _listing(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_replacing_keeps_permissions(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old")
    os.chmod(target, 0o640)
    atomic_write_text(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text() == "new"
