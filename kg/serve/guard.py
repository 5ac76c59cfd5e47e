"""Keeping the SPARQL endpoint from making outbound requests.

Oxigraph evaluates ``SERVICE <url> { ... }`` by sending an HTTP request to that url, and pyoxigraph
offers no switch to turn federation off. Two guards stand in the way:

* ``outbound_keyword`` refuses, before evaluation, any query whose code (outside strings, IRIs
  and comments) holds the SERVICE keyword, or update holding LOAD, so the client gets a clear 400;
* ``deny_network`` installs a seccomp filter in each query worker process that makes creating an
  IPv4/IPv6 socket fail. Oxigraph's parser is a PEG parser, so a crafted query can tokenize
  differently than any regular scan expects (``FILTER(?a<?b)SERVICE?x#>`` is a comparison for
  Oxigraph and an IRI for a tokenizer); the filter makes such a query fail instead of reaching out.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import re
import struct

_SKIPPED = re.compile(
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''       # long strings
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '(?:[^'\\\n\r]|\\.)*'              # short strings
      | "(?:[^"\\\n\r]|\\.)*"
      | <[^<>"{}|^`\\\x00-\x20]*>          # IRIs
      | \#[^\n\r]*                         # comments
    """, re.X | re.S)
# A keyword, not the tail of a name, variable or prefixed name. `SERVICE:x` IS the keyword followed
# by the prefixed name `:x` for Oxigraph, so a colon after it does not excuse it.
_KEYWORDS = {False: re.compile(r"(?<![\w?$:])(SERVICE)(?!\w)", re.I),
             True: re.compile(r"(?<![\w?$:])(SERVICE|LOAD)(?!\w)", re.I)}


def outbound_keyword(text: str, *, update: bool = False) -> str | None:
    """SERVICE (federated query) or, in an update, LOAD <url>, if the text uses one; else None."""
    found = _KEYWORDS[update].search(_SKIPPED.sub(" ", text))
    return found.group(1).upper() if found else None


# --- seccomp: no AF_INET/AF_INET6 sockets in this process ------------------------------------
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_LD_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
# machine -> (AUDIT_ARCH, socket syscall number, io_uring_setup syscall number)
_ARCHES = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}
_X32_BIT = 0x40000000
_AF_INET, _AF_INET6 = 2, 10


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _filter_program(arch: int, nr_socket: int, nr_io_uring: int) -> bytes:
    deny = _RET_ERRNO | errno.EACCES
    return b"".join([
        _insn(_LD_ABS, 4),                      # seccomp_data.arch
        _insn(_JEQ, arch, 1, 0),
        _insn(_RET, deny),                      # a foreign ABI: refuse everything it tries
        _insn(_LD_ABS, 0),                      # seccomp_data.nr
        _insn(_JGE, _X32_BIT, 0, 1),            # x32 syscalls: refuse
        _insn(_RET, deny),
        _insn(_JEQ, nr_io_uring, 0, 1),         # io_uring could open sockets behind our back
        _insn(_RET, deny),
        _insn(_JEQ, nr_socket, 0, 4),
        _insn(_LD_ABS, 16),                     # seccomp_data.args[0] (low half): the domain
        _insn(_JEQ, _AF_INET, 1, 0),
        _insn(_JEQ, _AF_INET6, 0, 1),
        _insn(_RET, deny),
        _insn(_RET, _RET_ALLOW),
    ])


def deny_network() -> bool:
    """Forbid IPv4/IPv6 sockets in this process for good; False where seccomp is unavailable."""
    if platform.system() != "Linux" or platform.machine() not in _ARCHES:
        return False
    program = _filter_program(*_ARCHES[platform.machine()])
    buffer = ctypes.create_string_buffer(program)
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0
