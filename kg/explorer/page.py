"""The explorer's HTML: one self-contained file, offline, where article text can never run as code.

WHY each precaution: the page is opened from disk, often with no network, and every string in it
comes from untrusted articles. So vis-network (the build that ships inside the pyvis package) and
our own script and style are inlined from package files; the data goes in as one JSON block in
which ``<``, ``>``, ``&``, U+2028 and U+2029 are escaped (no string can close the script tag), and
the page's script renders it with textContent only. A Content-Security-Policy allows exactly the
inline scripts written here (by hash) and no request of any kind, as a second line of defence.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path

import pyvis

ASSETS = Path(__file__).resolve().parent / "assets"
VIS_JS = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
APP_SCRIPTS = ("panel.js", "overview.js", "explorer.js", "timeline.js", "views.js")
MARKER = re.compile(r"@@(TITLE|CSP|CSS|SCRIPTS|PAYLOAD)@@")
PAYLOAD_BLOCK = re.compile(r'<script type="application/json" id="kg-payload">(.*?)</script>', re.DOTALL)
REMOTE = re.compile(r"\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//|@import|url\(\s*[\"']?\s*(?:https?:)?//", re.I)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except OSError as exc:
        raise FileNotFoundError(f"{path}: explorer asset missing (broken install?): {exc}") from exc


def _script(path: Path) -> str:
    """A script's text, safe to inline: no source map to fetch, nothing that ends the element early."""
    text = re.sub(r"//# sourceMappingURL=\S+", "", _read(path))
    if re.search(r"</script|<!--", text, re.IGNORECASE):
        raise RuntimeError(f"{path}: cannot be inlined (contains '</script' or '<!--')")
    return text


def json_for_script(payload) -> str:
    """JSON that stays data inside <script>: no '<', '>', '&' or JS line separators survive."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render(payload: dict) -> str:
    """The whole page for a payload built by kg.explorer.build_payload."""
    scripts = [_script(VIS_JS)] + [_script(ASSETS / name) for name in APP_SCRIPTS]
    csp = ("default-src 'none'; script-src " + " ".join(_sha256(s) for s in scripts)
           + "; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
    parts = {
        "TITLE": html.escape(str(payload.get("title", "")), quote=True),
        "CSP": csp,
        "CSS": _read(ASSETS / "explorer.css"),
        "SCRIPTS": "\n".join(f"<script>{s}</script>" for s in scripts),
        "PAYLOAD": json_for_script(payload),
    }
    template = _read(ASSETS / "explorer.html")
    if REMOTE.search(template + parts["CSS"]):  # our own markup must never phone home
        raise RuntimeError(f"{ASSETS}: the explorer template would load a remote resource")
    # One pass, so text inserted for one marker is never searched for the next.
    return MARKER.sub(lambda m: parts[m.group(1)], template)


def read_payload(page: str) -> dict:
    """The data embedded in a written page (for tests and tools)."""
    match = PAYLOAD_BLOCK.search(page)
    if not match:
        raise ValueError("not an explorer page: no kg-payload block")
    return json.loads(match.group(1))


def screenshot(page: str | Path, png: str | Path, *, width: int = 1500, height: int = 950,
               timeout_ms: int = 30_000, search: str | None = None, context=None) -> Path:
    """A PNG of the page once it is drawn, taken with headless Debian chromium through Playwright;
    with ``search``, after searching that name (its node selected, its evidence in the side panel).
    ``context``: a Playwright BrowserContext to use when the caller already runs one."""
    if context is not None:
        return _shoot(context, Path(page), Path(png), width, height, timeout_ms, search)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise RuntimeError("screenshots need the 'playwright' Python package (pip install playwright)") from exc
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"screenshots need {CHROMIUM} (apt-get install chromium; see .ci/setup-browser.sh)")
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kg-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                        headless=True)
        try:
            return _shoot(context, Path(page), Path(png), width, height, timeout_ms, search)
        finally:
            context.close()


def _shoot(context, page: Path, png: Path, width: int, height: int, timeout_ms: int, search: str | None) -> Path:
    tab = context.new_page()
    try:
        tab.set_viewport_size({"width": width, "height": height})
        tab.goto(page.resolve().as_uri())
        tab.wait_for_function("() => window.__ready === true", timeout=timeout_ms)
        if search:
            tab.fill("#kg-search", search)
            tab.press("#kg-search", "Enter")
        tab.wait_for_timeout(600 if search else 300)  # let the focus animation and last frame settle
        tab.screenshot(path=str(png))
    finally:
        tab.close()
    return png
