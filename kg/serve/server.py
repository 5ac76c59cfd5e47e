"""A SPARQL 1.1 endpoint over a build folder, plus its explorer page and graph files.

Standard-library HTTP (ThreadingHTTPServer); queries run in worker processes (kg.serve.pool) so
a query past the time or memory limit can be stopped. Read-only unless started with allow_update
and a token. Status codes: 400 malformed query, missing parameter or SERVICE clause; 401 update
without the bearer token; 403 update while read-only, or a Host header that is not this machine's
loopback name; 404 unknown path; 405 wrong method; 406 no acceptable format; 411/413 request body
without length or too large; 413 result over max_results rows or max_answer_mb (we refuse rather
than truncate, so a client never mistakes a partial answer for the whole one); 415 unsupported
POST content type; 503 time or memory limit exceeded, or every worker busy.

A local endpoint must not be reachable from web pages either: it binds to loopback unless told
`public`, and then checks the Host header, which a DNS-rebinding page cannot set to `localhost`
or `127.0.0.1`. Only /sparql allows cross-origin reads (CORS), for browser tools such as YASGUI;
the files (report.json names local input paths) do not.
"""

from __future__ import annotations

import errno
import hmac
import os
import shutil
import signal
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.serve import formats
from kg.serve.access import ExposedAddress, host_header_allowed, is_loopback
from kg.serve.pool import WorkerPool
from kg.serve.worker import Job, Reply, WorkerConfig, text_reply
from kg.store.dataset import (
    EXPLORER_HTML,
    GRAPH_TRIG,
    GRAPH_TTL,
    REPORT_JSON,
    STORE_DIR,
    NotABuild,
)
from kg.vocab import PREFIXES

MAX_BODY = 8 << 20
FILES = {"/": (EXPLORER_HTML, "text/html; charset=utf-8"),
         "/explorer.html": (EXPLORER_HTML, "text/html; charset=utf-8"),
         "/graph.ttl": (GRAPH_TTL, "text/turtle; charset=utf-8"),
         "/graph.trig": (GRAPH_TRIG, "application/trig; charset=utf-8"),
         "/report.json": (REPORT_JSON, "application/json")}
ENDPOINTS = {"/sparql": "GET, HEAD, POST, OPTIONS", "/update": "POST, OPTIONS"}
CORS_PATHS = ("/sparql",)
FILE_METHODS = "GET, HEAD, OPTIONS"
FORM = "application/x-www-form-urlencoded"


class ClientError(Exception):
    """A request this server will not answer; status and message go back as text/plain."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.headers = status, headers or {}


class PortInUse(OSError):
    """The port is taken (another server, perhaps another `kg serve`)."""


@dataclass(frozen=True)
class ServerConfig:
    build_dir: Path
    allow_update: bool = False
    token: str | None = None
    quiet: bool = False
    public: bool = False        # no Host check: the server is meant to be reached by any name


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server; shutdown() (from another thread) stops serving and every query worker."""

    daemon_threads = True
    request_queue_size = 128    # listen backlog: the default 5 resets bursts of concurrent clients

    def __init__(self, address: tuple[str, int], config: ServerConfig) -> None:
        self.pool: WorkerPool | None = None     # before binding: a failed bind closes the server
        self.config = config
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        try:
            super().__init__(address, SparqlHandler)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise PortInUse(err.errno, f"port {address[1]} on {address[0] or 'every address'} is "
                                           "already in use (another kg serve?); choose another with "
                                           "--port, or --port 0 for a free one") from None
            raise

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def shutdown(self) -> None:
        super().shutdown()
        self.server_close()

    def server_close(self) -> None:
        super().server_close()
        if self.pool is not None:
            self.pool.close()


def make_server(build_dir: str | Path, host: str = "127.0.0.1", port: int = 7878, *,
                timeout: float = 10.0, max_results: int = 100_000, max_answer_mb: int = 64,
                max_memory_mb: int = 1024, allow_update: bool = False, token: str | None = None,
                workers: int | None = None, quiet: bool = False, public: bool = False) -> SparqlServer:
    """A bound server over a build folder, ready for serve_forever(); port 0 picks a free port.

    Each query worker may hold max_memory_mb of data (0: no limit) and answer max_results rows
    or triples in at most max_answer_mb. A host other machines can reach (0.0.0.0, a LAN
    address) is refused unless public=True. Updates need allow_update=True, a token, and the
    on-disk store (the only worker then opens it read-write, so queries and updates are served
    one at a time)."""
    build = Path(build_dir)
    has_store = (build / STORE_DIR).is_dir()
    if not has_store and not (build / GRAPH_TRIG).is_file():
        raise NotABuild(f"{build}: not a newskg build (no {STORE_DIR}/ or {GRAPH_TRIG}); run `kg build` first")
    if timeout <= 0 or max_results < 1 or max_answer_mb < 1 or max_memory_mb < 0:
        raise ValueError(f"timeout must be > 0, max_results and max_answer_mb >= 1, max_memory_mb >= 0 "
                         f"(got {timeout}, {max_results}, {max_answer_mb}, {max_memory_mb})")
    if allow_update and not token:
        raise ValueError("allow_update needs a token: updates must carry `Authorization: Bearer <token>`")
    if allow_update and not has_store:
        raise NotABuild(f"{build}: updates need the on-disk store {build / STORE_DIR}/")
    if not public and not is_loopback(host):
        raise ExposedAddress(f"refusing to serve on {host or 'every address'}: other machines could "
                             "reach it and read the whole build; bind 127.0.0.1 (the default), or "
                             "pass --public to serve them on purpose")
    size = 1 if allow_update else (workers or max(2, min(4, os.cpu_count() or 1)))
    config = ServerConfig(build, allow_update, token if allow_update else None, quiet, public)
    server = SparqlServer((host, port), config)
    worker_config = _worker_config(build, allow_update, max_results, max_answer_mb << 20, max_memory_mb << 20)
    try:
        server.pool = WorkerPool(worker_config, size=size, timeout=timeout, cache=not allow_update)
    except BaseException:
        server.server_close()
        raise
    return server


def _worker_config(build: Path, writable: bool, max_results: int, max_bytes: int, memory: int) -> WorkerConfig:
    if (build / STORE_DIR).is_dir():
        source, path = ("store-rw" if writable else "store"), build / STORE_DIR
    else:
        source, path = "build", build
    return WorkerConfig(source, str(path), max_results, dict(PREFIXES), max_bytes=max_bytes,
                        memory_limit=memory)


def serve(build_dir: str | Path, host: str = "127.0.0.1", port: int = 7878, **options) -> None:
    """Serve until interrupted (Ctrl-C); options as for make_server."""
    serve_until_stopped(make_server(build_dir, host, port, **options))


def serve_until_stopped(server: SparqlServer) -> None:
    """Serve until Ctrl-C or SIGTERM, then stop every query worker; quietly, both ways."""
    def interrupt(*_) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "newskg-sparql"
    protocol_version = "HTTP/1.1"
    timeout = 120  # seconds an idle keep-alive connection may hold a thread

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        if not self.server.config.quiet:
            super().log_message(format, *args)

    # --- routing ---------------------------------------------------------------------------
    def _dispatch(self) -> None:
        path = urlsplit(self.path).path   # compared raw: no decoding, so no way out of the map
        self._cors = path in CORS_PATHS
        try:
            host = self.headers.get("Host")
            if not self.server.config.public and not host_header_allowed(host):
                self._cors = False
                raise ClientError(403, f"this endpoint answers requests to localhost or 127.0.0.1 "
                                       f"only, not to {host!r} (a page that renamed this machine "
                                       "cannot reach it); start it with --public to serve other names")
            if path in FILES:
                allowed = FILE_METHODS
            elif path in ENDPOINTS:
                allowed = ENDPOINTS[path]
            else:
                names = ", ".join(["/sparql", "/update", *FILES])
                raise ClientError(404, f"not found: this server answers {names}")
            if self.command == "OPTIONS":
                preflight = {"Access-Control-Allow-Methods": allowed,
                             "Access-Control-Allow-Headers": "Accept, Authorization, Content-Type",
                             "Access-Control-Max-Age": "86400"} if self._cors else {}
                return self._send(Reply(204), {"Allow": allowed, **preflight})
            if self.command not in allowed.split(", "):
                raise ClientError(405, f"{self.command} is not allowed on {path}; use {allowed}",
                                  {"Allow": allowed})
            if path in FILES:
                return self._file(*FILES[path])
            if path == "/update":
                self._authorize_update()
                return self._update(self._params())
            return self._sparql()
        except ClientError as err:
            self._send(text_reply(err.status, str(err)), err.headers)

    # --- SPARQL ----------------------------------------------------------------------------
    def _sparql(self) -> None:
        params = self._params()
        if "update" in params and "query" not in params:
            self._authorize_update()
            return self._update(params)
        text = _single(params, "query")
        fmt = params.get("format", [])
        accept = self.headers.get("Accept")
        results, rdf = formats.choose(formats.RESULTS, accept, fmt), formats.choose(formats.RDF, accept, fmt)
        if results is None and rdf is None:
            offered = ", ".join(f.media_types[0] for f in (*formats.RESULTS, *formats.RDF))
            raise ClientError(406, f"no acceptable format (format={fmt!r}, Accept: {accept!r}); "
                                   f"this endpoint offers {offered}")
        job = Job("query", text, results, rdf, _graphs(params, "default-graph-uri"),
                  _graphs(params, "named-graph-uri"))
        self._send(self.server.pool.run(job), {"Vary": "Accept"})

    def _authorize_update(self) -> None:
        """403 while read-only, 405 unless POST, 401 without the right bearer token."""
        config = self.server.config
        if not config.allow_update:
            raise ClientError(403, "SPARQL Update is disabled: this endpoint is read-only (start the "
                                   "server with updates allowed and a token to enable POST /update)")
        if self.command != "POST":
            raise ClientError(405, "SPARQL Update must be sent with POST", {"Allow": "POST, OPTIONS"})
        scheme, _, given = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), config.token.encode()):
            raise ClientError(401, "updates need the header `Authorization: Bearer <token>`",
                              {"WWW-Authenticate": 'Bearer realm="newskg"'})

    def _update(self, params: dict[str, list[str]]) -> None:
        self._send(self.server.pool.run(Job("update", _single(params, "update"))))

    def _params(self) -> dict[str, list[str]]:
        """URL parameters, plus the POSTed form, query or update (SPARQL 1.1 Protocol, 2.1 and 2.2)."""
        params = _parse_qs(urlsplit(self.path).query)
        if self.command != "POST":
            return params
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        body = self._body()
        if ctype == FORM:
            for name, values in _parse_qs(_utf8(body)).items():
                params.setdefault(name, []).extend(values)
        elif ctype in ("application/sparql-query", "application/sparql-update"):
            name = "query" if ctype.endswith("query") else "update"
            if name in params:
                raise ClientError(400, f"{name} given both as a parameter and as the {ctype} body")
            params[name] = [_utf8(body)]
        else:
            raise ClientError(415, f"unsupported Content-Type {ctype or '(none)'!r}: POST "
                                   f"application/sparql-query, application/sparql-update or {FORM}")
        return params

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise ClientError(411, "chunked requests are not supported: send a Content-Length")
        length = self.headers.get("Content-Length")
        if length is None or not length.strip().isdigit():
            raise ClientError(411, "a POST needs a Content-Length header")
        if int(length) > MAX_BODY:
            raise ClientError(413, f"request body over {MAX_BODY} bytes")
        return self.rfile.read(int(length))

    # --- files and responses -----------------------------------------------------------------
    def _file(self, name: str, content_type: str) -> None:
        path = self.server.config.build_dir / name
        if not path.is_file():
            raise ClientError(404, f"this build has no {name}")
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            self._headers(200, content_type, size, {})
            if self.command != "HEAD":
                shutil.copyfileobj(f, self.wfile)

    def _send(self, reply: Reply, extra: dict[str, str] | None = None) -> None:
        ctype = reply.content_type
        if ctype.startswith("text/") and "charset" not in ctype:
            ctype += "; charset=utf-8"
        if reply.status >= 400:
            self.close_connection = True    # a refused request's body may be left unread
        self._headers(reply.status, ctype, len(reply.body), {**reply.headers, **(extra or {})})
        if self.command != "HEAD" and reply.status != 204:
            self.wfile.write(reply.body)

    def _headers(self, status: int, content_type: str, length: int, extra: dict[str, str]) -> None:
        self.send_response(status)
        if getattr(self, "_cors", False):
            self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("X-Content-Type-Options", "nosniff")
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(length))
        if self.close_connection:
            self.send_header("Connection", "close")
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ClientError(400, f"the request is not valid UTF-8: {err}") from err


def _parse_qs(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=1000)
    except (UnicodeDecodeError, ValueError) as err:
        raise ClientError(400, f"bad parameters: {err}") from err


def _single(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name, [])
    if len(values) != 1 or not values[0].strip():
        raise ClientError(400, f"give exactly one non-empty `{name}` parameter (got {len(values)})")
    return values[0]


def _graphs(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    for iri in params.get(name, []):
        try:
            ox.NamedNode(iri)
        except ValueError as err:
            raise ClientError(400, f"{name} is not an IRI: {err}") from err
    return tuple(params.get(name, []))
