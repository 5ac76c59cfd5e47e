"""Who may reach the endpoint: the address it binds, and the Host its requests name.

A local endpoint must not be reachable from other machines by accident, nor from web pages:
``is_loopback`` decides whether an address to bind is this machine only (anything else needs
``public``), and ``host_header_allowed`` refuses a request whose Host header is not a loopback
name. DNS rebinding gives an attacker's page a name that resolves to 127.0.0.1, so the page's
requests reach the local server, but they still carry the attacker's name in Host.
"""

from __future__ import annotations

import ipaddress
import socket


class ExposedAddress(ValueError):
    """Binding an address other machines can reach, without saying so (`public`)."""


def is_loopback(host: str) -> bool:
    """Whether a host to bind or resolve is this machine only: localhost, 127.0.0.0/8, ::1."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if not name:
        return False                    # "" binds every address
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(name, None)
    except (socket.gaierror, UnicodeError):
        return False
    return bool(found) and all(ipaddress.ip_address(str(f[4][0]).split("%")[0]).is_loopback for f in found)


def host_header_allowed(header: str | None) -> bool:
    """Whether a Host header names this machine's loopback (no DNS lookup: a rebinding page's
    own name resolves to 127.0.0.1 too, that is the attack). A missing header is allowed:
    browsers always send one."""
    if header is None:
        return True
    name = header.strip().lower()
    if name.startswith("["):
        name = name[1:name.find("]")] if "]" in name else name
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    name = name.rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
