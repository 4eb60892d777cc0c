"""Write stage, for `serve`: the preview server. MkDocs' live-reload server, changed where carepath's pages need it.

- The page reloads itself when the site changes: MkDocs writes its reload script into each page, where the
  site's Content-Security-Policy (scripts from the site itself, or by hash) blocks it. Here the page gets a
  script *file* from the server instead, which the policy allows.
- Until a first build succeeds, every page is a page that lists the problems, and reloads once they are fixed
  (rather than 404s under a promise of "the last good build").
- A rebuild can be asked for from another thread (when PDFs rendered in the background are ready).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any

from mkdocs.livereload import LiveReloadServer

RELOAD_SCRIPT = "/.carepath-preview/reload.js"
# Polls the server, which answers once the site is newer than the page (MkDocs' /livereload/ protocol).
RELOAD_JS = b"""(function () {
  var me = document.currentScript, epoch = Number(me.dataset.epoch), id = me.dataset.request;
  var request = null, timer = null;
  function poll() {
    request = new XMLHttpRequest();
    request.onloadend = function () {
      if (Number(this.responseText) > epoch) { location.reload(); return; }
      timer = setTimeout(poll, this.status === 200 ? 0 : 3000);
    };
    request.open("GET", "/livereload/" + epoch + "/" + id);
    request.send();
  }
  function stop() {
    if (request) { request.abort(); request = null; }
    clearTimeout(timer);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { poll(); } else { stop(); }
  });
  window.addEventListener("pagehide", stop);
  if (document.visibilityState === "visible") { poll(); }
})();
"""
PROBLEMS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>carepath preview: not built yet</title></head>
<body style="font-family: sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5">
<h1>The preview is not built yet</h1>
<p>{summary}</p>
<pre style="white-space: pre-wrap; background: #f4f4f4; padding: 1rem">{problems}</pre>
<p>Fix the files named above and save: this page reloads by itself once the toolkit builds.</p>
</body></html>
"""


def problems_page(summary: str, lines: Iterable[str]) -> bytes:
    """The page shown in place of every page while no build has succeeded: what stops the build."""
    return PROBLEMS_PAGE.format(
        summary=html.escape(summary), problems=html.escape("\n".join(lines)),
    ).encode("utf-8")


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server serving carepath's preview."""

    def __init__(self, builder: Callable[[], None], host: str, port: int, root: str) -> None:
        super().__init__(builder=builder, host=host, port=port, root=root)
        self.problems: bytes | None = None  # set while no build has succeeded: served for every page

    def request_rebuild(self) -> None:
        """Rebuild as if a watched file had changed (from any thread)."""
        with self._rebuild_cond:
            self._want_rebuild = True
            self._rebuild_cond.notify_all()

    def _serve_request(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes] | None:
        """The reload script and the problems page; everything else as MkDocs serves it."""
        path = environ["PATH_INFO"]
        if path == RELOAD_SCRIPT:
            start_response("200 OK", [
                ("Content-Type", "application/javascript"), ("Content-Length", str(len(RELOAD_JS))),
                ("Cache-Control", "no-store"),
            ])
            return [RELOAD_JS]
        problems = self.problems
        if problems is not None and not path.startswith("/livereload/") and (path.endswith(("/", ".html"))):
            with self._epoch_cond:
                epoch = self._visible_epoch
            page = self._inject_js_into_html(problems, epoch)
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))])
            return [page]
        result: Iterable[bytes] | None = super()._serve_request(environ, start_response)
        return result

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        """Add the reload script to a page as a file of this server, which the page's policy allows."""
        from mkdocs.livereload import _timestamp

        tag = (
            f'<script src="{RELOAD_SCRIPT}" data-epoch="{int(epoch)}" data-request="{_timestamp()}"></script>'
        ).encode("ascii")
        end = content.rfind(b"</body>")
        end = len(content) if end < 0 else end
        return content[:end] + tag + content[end:]
