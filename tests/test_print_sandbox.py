"""The PDF renderer's sandbox: real WeasyPrint renders of pages that try to read files or open connections.

Each attack must fail its PDF with an error naming the PDF and the URL, open no connection, and put nothing
of the files it aimed at into any PDF.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import fontpkg
import pytest
import yaml
from conftest import private_cache, render_pdf
from pypdf import PdfReader
from pypdf.generic import StreamObject

from carepath.load import load_sources
from carepath.model import Model, build_model
from carepath.render.print_kit import PrintJob, render_print
from carepath.write.fetch import ResourceRefused, SandboxFetcher
from carepath.write.pdf import write_pdfs

ROOT = Path(__file__).resolve().parents[1]
SITE_URL = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
FONT = str(Path(fontpkg.path("Noto Sans")).resolve())
PASSWD = "root:x:0:0"
# Written into files outside the toolkit and into the environment of the process that renders.
SECRET = "CAREPATH-SANDBOX-SECRET-7f3a9c"
ENV_SECRET = "CAREPATH-SANDBOX-ENV-5d21e8"
# A 1 x 1 PNG, for the images a page may show.
PNG = (
    b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    + b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    + b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


class Listener(http.server.ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that records every connection and answers with a stylesheet."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Answer)
        self.timeout = 2
        self.connections: list[tuple[str, int]] = []

    def verify_request(self, request: object, client_address: tuple[str, int]) -> bool:  # type: ignore[override]
        """Record the connection before anything is read from it."""
        self.connections.append(client_address)
        return len(self.connections) < 100  # bounded, whatever a broken sandbox does


class _Answer(http.server.BaseHTTPRequestHandler):
    """Answers every GET with a stylesheet that would show the secret, had it been loaded."""

    def do_GET(self) -> None:  # the name is http.server's API
        """Send the stylesheet."""
        body = f'body::after {{ content: "{SECRET}" }}'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A local HTTP listener in a thread, stopped after the test."""
    server = Listener()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def toolkit(tmp_path: Path) -> Path:
    """A toolkit's print/ and pages folders, with a secret outside it and links that point at the secret."""
    root = tmp_path.resolve() / "toolkit"
    css = root / "print" / "css"
    (css / "icons").mkdir(parents=True)
    (css / "print.css").write_text("body { font-family: 'Noto Sans'; font-size: 11pt; }\n", encoding="utf-8")
    (css / "icons" / "ok.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>',
        encoding="utf-8",
    )
    # An icon that tries to pull a file in from outside: SVG images are fetched while the PDF is drawn.
    (css / "icons" / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="4" height="4">'
        '<image xlink:href="file:///etc/passwd" width="4" height="4"/></svg>',
        encoding="utf-8",
    )
    (root / "print" / ".hidden.css").write_text(f'body::after {{ content: "{SECRET}" }}', encoding="utf-8")
    pages = root / "content" / "en" / "pages"
    pages.mkdir(parents=True)
    (pages / "picture.png").write_bytes(PNG)
    (pages / "about.md").write_text("---\ntitle: About\n---\n\nA page's text.\n", encoding="utf-8")
    outside = tmp_path.resolve() / "outside"
    outside.mkdir()
    (outside / "secret.css").write_text(f'body::after {{ content: "{SECRET}" }}', encoding="utf-8")
    (outside / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (outside / "secret.png").write_bytes(PNG)
    (css / "linked.css").symlink_to(outside / "secret.css")
    (root / "print" / "linked").symlink_to(outside, target_is_directory=True)
    return root


def make_job(root: Path, body: str, head: str = "", path: str = "print/attack-a4.pdf") -> PrintJob:
    """A print job built like render_print's: a handout with its font, stylesheet and allow-list."""
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Attack</title>
<meta name="dcterms.created" content="2026-01-01"><meta name="dcterms.modified" content="2026-01-01">
<style>@font-face {{ font-family: "Noto Sans"; src: url("{Path(FONT).as_uri()}"); }}</style>
<link rel="stylesheet" href="css/print.css">{head}
</head><body><main><h1>Signs of distress</h1><p>Call 555-0100.</p>{body}</main></body></html>"""
    allowed = (f"{root / 'print'}/", f"{root / 'content' / 'en' / 'pages'}/", FONT)
    return PrintJob(
        path=path, html=html, base_url=(root / "print").as_uri() + "/", lang="en", fonts=(FONT,),
        key="0" * 64, allowed=allowed,
    )


def secrets_in(data: bytes) -> set[str]:
    """Which secrets a PDF holds anywhere: raw bytes, every decompressed stream, every object, its text."""
    reader = PdfReader(BytesIO(data))
    chunks = [data]
    numbers = {number for generation in reader.xref.values() for number in generation} | set(reader.xref_objStm)
    for number in numbers:
        found = reader.get_object(number)
        if isinstance(found, StreamObject):
            chunks.append(found.get_data())
        else:
            chunks.append(str(found).encode("utf-8", "replace"))
    chunks.extend(page.extract_text().encode("utf-8") for page in reader.pages)
    everything = b"\n".join(chunks)
    return {secret for secret in (PASSWD, SECRET, ENV_SECRET) if secret.encode() in everything}


def embedded_files(data: bytes) -> list[str]:
    """Names of the files a PDF embeds: its /EmbeddedFiles and its file attachment annotations."""
    reader = PdfReader(BytesIO(data))
    names = list(reader.attachments)
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                names.append("annotation")
    return names


# --- Each attack fails its PDF, names the URL and connects nowhere -------------------------------------


def attacks(port: int) -> list[tuple[str, str, str, str]]:
    """(id, <head> part, <body> part, the URL the error must name) for each attack."""
    http = f"http://127.0.0.1:{port}"
    up = "../" * 12
    return [
        ("img-file-url", "", '<img src="file:///etc/passwd">', "file:///etc/passwd"),
        ("img-absolute-path", "", '<img src="/etc/passwd">', "file:///etc/passwd"),
        ("img-dot-dot", "", f'<img src="{up}etc/passwd">', "file:///etc/passwd"),
        ("img-encoded-dot-dot", "", f'<img src="{"%2e%2e/" * 12}etc/passwd">', "%2e%2e/"),
        ("img-proc", "", '<img src="file:///proc/self/environ">', "file:///proc/self/environ"),
        ("a-attachment", "", '<a rel="attachment" href="file:///proc/self/environ">env</a>',
         "file:///proc/self/environ"),
        ("a-attachment-allowed-file", "", '<a rel="nofollow Attachment" href="css/print.css">css</a>', "print.css"),
        ("link-attachment", '<link rel="attachment" href="/etc/passwd">', "", "file:///etc/passwd"),
        ("link-stylesheet-http", f'<link rel="stylesheet" href="{http}/x.css">', "", f"{http}/x.css"),
        ("style-import", f'<style>@import"{http}/a.css";</style>', "", f"{http}/a.css"),
        ("css-escaped-http", "<style>main { background: url(\\68ttp://127.0.0.1:" + str(port) + "/b.png) }</style>",
         "", f"{http}/b.png"),
        ("css-escaped-file", '<style>h1 { background: url("\\66ile:///etc/passwd") }</style>', "",
         "file:///etc/passwd"),
        ("font-face-file", '<style>@font-face { font-family: X; src: url("file:///etc/passwd") }'
         " h1 { font-family: X }</style>", "", "file:///etc/passwd"),
        ("data-css", '<style>@import url("data:text/css,body{color:red}");</style>', "", "data:text/css"),
        ("object", "", '<object data="file:///etc/passwd" type="image/png"></object>', "file:///etc/passwd"),
        ("embed", "", '<embed src="/proc/self/environ" type="image/png">', "file:///proc/self/environ"),
        ("svg-image", "", '<svg width="10" height="10"><image href="file:///etc/passwd" width="10" height="10"/>'
         "</svg>", "file:///etc/passwd"),
        ("svg-file-image", '<style>h1::before { content: url("css/icons/evil.svg") }</style>', "",
         "file:///etc/passwd"),
        ("ftp", "", f'<img src="ftp://127.0.0.1:{port}/x.png">', f"ftp://127.0.0.1:{port}/x.png"),
        ("https", "", f'<img src="https://127.0.0.1:{port}/x.png">', f"https://127.0.0.1:{port}/x.png"),
        ("base-href", f'<base href="{http}/">', '<img src="x.png">', f"{http}/x.png"),
        ("symlinked-file", '<link rel="stylesheet" href="css/linked.css">', "", "linked.css"),
        ("symlinked-folder", "", '<img src="linked/secret.png">', "linked/secret.png"),
        ("hidden-file", '<link rel="stylesheet" href=".hidden.css">', "", ".hidden.css"),
        ("folder", "", '<img src="css/">', "/print/css/"),
        ("outside-file", "", '<img src="../../outside/secret.png">', "outside/secret.png"),
    ]


ATTACK_IDS = [attack[0] for attack in attacks(0)]


@pytest.mark.parametrize("name", ATTACK_IDS)
def test_each_attack_fails_the_pdf_and_names_the_url(name: str, toolkit: Path, listener: Listener) -> None:
    """The PDF is not made; the error names the PDF and the URL; no connection is opened."""
    _, head, body, url = next(a for a in attacks(listener.server_address[1]) if a[0] == name)
    job = make_job(toolkit, body, head)
    with pytest.raises(ResourceRefused) as raised:
        render_pdf(job)
    message = str(raised.value)
    assert job.path in message and url in message, message
    assert raised.value.document == job.path
    assert listener.connections == []


@pytest.mark.slow
def test_refusals_survive_the_worker_process(toolkit: Path, listener: Listener, tmp_path: Path) -> None:
    """Through write_pdfs (a spawned worker, as in a build) the refusal reaches the build, and no PDF is written."""
    job = make_job(toolkit, '<a rel="attachment" href="file:///proc/self/environ">env</a><img src="/etc/passwd">')
    with pytest.raises(ResourceRefused, match="proc/self/environ") as raised:
        write_pdfs([job], tmp_path / "out", private_cache(tmp_path), workers=1)
    assert raised.value.document == job.path
    assert not (tmp_path / "out" / job.path).exists()
    assert not list(private_cache(tmp_path).glob("*.pdf"))


# --- Even when WeasyPrint swallows the errors, nothing of the targets reaches the PDF --------------------


# Renders a document with WeasyPrint and the sandbox, letting WeasyPrint go on after each refusal as it does
# by default, in a fresh process whose environment holds ENV_SECRET (so /proc/self/environ does too).
LENIENT = """
import json, sys
from weasyprint import HTML
from carepath.write.fetch import SandboxFetcher
html, base_url, allowed, out = json.loads(sys.stdin.read())
fetcher = SandboxFetcher(allowed, "print/attack-a4.pdf")
HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(out, pdf_variant="pdf/ua-1")
print(json.dumps({"refused": [url for url, _ in fetcher.refusals], "served": fetcher.served}))
"""


def lenient_render(job: PrintJob, out: Path) -> dict[str, list[str]]:
    """Render `job` in a fresh process with ENV_SECRET in its environment, errors logged, not raised."""
    result = subprocess.run(
        [sys.executable, "-c", LENIENT], input=json.dumps([job.html, job.base_url, list(job.allowed), str(out)]),
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "CAREPATH_SANDBOX_TEST": ENV_SECRET, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.slow
def test_no_attack_leaks_even_when_rendering_goes_on(toolkit: Path, listener: Listener, tmp_path: Path) -> None:
    """Every attack in one page, rendered on past each refusal: no secret, no embedded file, no connection."""
    # Left out: <base> would move every other URL, and an attachment of an allowed file is render_pdf's to refuse.
    left_out = ("a-attachment-allowed-file", "base-href")
    everything = [a for a in attacks(listener.server_address[1]) if a[0] not in left_out]
    head = "".join(a[1] for a in everything)
    body = "".join(a[2] for a in everything) + '<img src="../content/en/pages/picture.png" alt="">'
    out = tmp_path / "lenient.pdf"
    seen = lenient_render(make_job(toolkit, body, head), out)
    data = out.read_bytes()
    assert secrets_in(data) == set()
    assert embedded_files(data) == []
    assert listener.connections == []
    assert f"{toolkit}/content/en/pages/picture.png" in seen["served"]  # what is allowed still works
    assert not [path for path in seen["served"] if not path.startswith(str(toolkit)) and path != FONT]
    for url in ("file:///etc/passwd", "file:///proc/self/environ", "/b.png", "/a.css", "/x.css"):
        assert any(url in refused for refused in seen["refused"]), (url, seen["refused"])


def test_the_leak_checks_see_a_leak(toolkit: Path, tmp_path: Path) -> None:
    """Control: with WeasyPrint's own fetcher, an attachment copies a file outside the toolkit into the PDF."""
    from weasyprint import HTML

    target = toolkit.parent / "outside" / "secret.txt"
    job = make_job(toolkit, f'<a rel="attachment" href="{target.as_uri()}">notes</a>')
    data = HTML(string=job.html, base_url=job.base_url).write_pdf()
    assert secrets_in(data) == {SECRET}
    assert embedded_files(data)


# --- What is allowed ---------------------------------------------------------------------------------------


def test_allowed_files_and_inline_images_are_served(toolkit: Path) -> None:
    """print/ files, a page's image, the font and inline raster and SVG images render; the PDF embeds nothing."""
    body = (
        '<img src="../content/en/pages/picture.png" alt="">'
        '<img src="css/icons/ok.svg" alt="">'
        '<p style="background: url(\'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E\')">x</p>'
    )
    job = make_job(toolkit, body)
    fetcher = SandboxFetcher(job.allowed, job.path)
    data, pages = render_pdf(job, fetcher)
    assert pages == 1 and fetcher.refusals == []
    assert set(fetcher.served) == {
        FONT, f"{toolkit}/print/css/print.css", f"{toolkit}/content/en/pages/picture.png",
        f"{toolkit}/print/css/icons/ok.svg",
    }
    assert embedded_files(data) == []


def test_fetcher_refuses_what_no_allow_list_names(toolkit: Path) -> None:
    """The fetcher alone: schemes, data types, '..', links, folders, devices, /proc and other files."""
    fetcher = SandboxFetcher((f"{toolkit / 'print'}/", f"{toolkit / 'content/en/pages'}/", FONT), "print/x.pdf")
    assert fetcher.fetch((toolkit / "print" / "css" / "print.css").as_uri()).read().startswith(b"body")
    assert fetcher.fetch((toolkit / "content/en/pages/picture.png").as_uri()).read() == PNG
    assert fetcher.fetch(Path(FONT).as_uri()).read()[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")
    refused = {
        "http://127.0.0.1:9/x.css": "never loaded",
        "data:text/html,<b>x</b>": "data: URL of type text/html",
        "data:image/png;base64,%%%": "base64",
        f"file://{toolkit}/print/css/../css/print.css": "'..'",
        f"file://{toolkit}/print/css/%2e%2e/css/print.css": "'..'",
        f"file://{toolkit}/print/css/linked.css": "symbolic link",
        f"file://{toolkit}/print/linked/secret.txt": "symbolic link",
        f"file://{toolkit}/print/css": "not a regular file",
        f"file://{toolkit}/print/.hidden.css": "hidden",
        f"file://{toolkit}/print/missing.css": "no such file",
        f"file://{toolkit}/content/es/pages/picture.png": "outside",
        f"file://{toolkit}/content/en/pages/about.md": "a page's Markdown text",
        "file:///dev/zero": "system folder",
        "file:///proc/self/environ": "system folder",
        "file://example.org/etc/passwd": "another host",
        str(Path(FONT).parent / "NotoSans-Italic[wdth,wght].ttf"): "scheme",
    }
    for url, reason in refused.items():
        with pytest.raises(ResourceRefused, match="refused") as raised:
            fetcher.fetch(url)
        assert reason in str(raised.value) and url[:40] in str(raised.value), (url, str(raised.value))
    assert len(fetcher.refusals) == len(refused)
    with pytest.raises(ResourceRefused):
        fetcher.check()


def test_a_file_the_toolkit_lacks_comes_from_the_fallback_folder_under_the_same_rules(tmp_path: Path) -> None:
    """A toolkit's print/ over carepath's: its own file first, else carepath's; nothing outside either."""
    own, builtin = tmp_path / "toolkit" / "print", tmp_path / "carepath" / "print"
    for folder, text in ((own, "own"), (builtin, "builtin")):
        (folder / "css").mkdir(parents=True)
        (folder / "css" / "print.css").write_text(text)
    (builtin / "css" / "cards.css").write_text("builtin cards")
    (builtin / "css" / ".secret.css").write_text("hidden")
    fetcher = SandboxFetcher((f"{own}/", f"{builtin}/"), "print/x.pdf", fallbacks=((f"{own}/", f"{builtin}/"),))
    assert fetcher.fetch((own / "css" / "print.css").as_uri()).read() == b"own"
    assert fetcher.fetch((own / "css" / "cards.css").as_uri()).read() == b"builtin cards"
    for name, reason in ((".secret.css", "hidden"), ("missing.css", "no such file")):
        with pytest.raises(ResourceRefused, match=reason):
            fetcher.fetch((own / "css" / name).as_uri())
    unallowed = SandboxFetcher((f"{own}/",), "print/x.pdf", fallbacks=((f"{own}/", f"{builtin}/"),))
    with pytest.raises(ResourceRefused, match="outside"):  # the fallback folder is not a way around the allow-list
        unallowed.fetch((own / "css" / "cards.css").as_uri())


def test_a_symlinked_file_in_an_allowed_folder_is_refused_even_if_allowed_by_name(toolkit: Path) -> None:
    """Naming a link itself in the allow-list does not make the fetcher follow it."""
    link = toolkit / "print" / "css" / "linked.css"
    fetcher = SandboxFetcher((str(link),), "print/x.pdf")
    with pytest.raises(ResourceRefused, match="symbolic link"):
        fetcher.fetch(link.as_uri())


# --- The example toolkit's own jobs ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def model() -> Model:
    """The example toolkit's model."""
    sources, _problems = load_sources(ROOT)
    return build_model(sources)


@pytest.mark.slow
def test_example_jobs_load_only_allowed_files(model: Model) -> None:
    """The example's cards (inline SVG, icons) and an Arabic handout (two font families) load only what they allow."""
    jobs = render_print(model, ROOT, SITE_URL)
    root = ROOT.resolve()
    for job in jobs:
        folders = [entry for entry in job.allowed if entry.endswith("/")]
        assert folders[0] == f"{root}/print/" and all(f.startswith(f"{root}/content/") for f in folders[1:])
        assert [entry for entry in job.allowed if not entry.endswith("/")] == list(job.fonts)
    for path in ("print/cards-a4.pdf", "ar/print/signs-a4.pdf"):  # the booklets take ten times longer
        job = next(job for job in jobs if job.path == path)
        fetcher = SandboxFetcher(job.allowed, job.path)
        data, _pages = render_pdf(job, fetcher)
        assert fetcher.refusals == []
        assert all(url.startswith(("file:///", "data:image/svg+xml,")) for url in fetcher.requested), fetcher.requested
        folders = tuple(entry for entry in job.allowed if entry.endswith("/"))
        assert all(p.startswith(folders) or p in job.fonts for p in fetcher.served), fetcher.served
        assert f"{root}/print/css/print.css" in fetcher.served and set(job.fonts) & set(fetcher.served)
        assert embedded_files(data) == []


@pytest.mark.slow
def test_key_follows_every_file_the_renderer_may_load(model: Model, tmp_path: Path) -> None:
    """A new or changed image in a pages folder changes the keys of the booklets, which print the pages (and may load
    it); any file in print/ changes every key. A page's Markdown, which no PDF loads (its text is in the booklet's
    HTML), and the handouts and cards, which print no page, are left out of what decides a key."""
    english = replace(model, toolkits=model.toolkits[:1])
    root = english_print_folders(tmp_path / "toolkit")

    def keys() -> dict[str, str]:
        """Each PDF's key, by its kind and paper."""
        return {job.path: job.key for job in render_print(english, root, SITE_URL)}

    def booklets(found: dict[str, str]) -> set[str]:
        return {key for path, key in found.items() if "/booklet-" in path}

    before = keys()
    image = root / "content" / "en" / "pages" / "map.png"
    image.write_bytes(PNG)
    added = keys()
    image.write_bytes(PNG + b"\0")
    changed = keys()
    page = root / "content" / "en" / "pages" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA line the model does not hold.\n", encoding="utf-8")
    text = keys()
    (root / "print" / "logo.png").write_bytes(PNG)
    logo = keys()
    (root / "print" / ".notes").write_text("not served, not in the key", encoding="utf-8")
    hidden = keys()
    for one, two in ((before, added), (added, changed)):
        assert len(booklets(one)) == 2 and not booklets(one) & booklets(two)
        others = {path for path in one if "/booklet-" not in path}
        assert len(others) == 8 and {p: one[p] for p in others} == {p: two[p] for p in others}
    assert text == changed
    assert not set(changed.values()) & set(logo.values())
    assert hidden == logo


def counted_documents(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that gets an item each time render_print renders its documents (the memo did not have them)."""
    from carepath.render import print_kit

    rendered: list[int] = []
    documents = print_kit._documents
    monkeypatch.setattr(print_kit, "_documents", lambda *args: rendered.append(1) or documents(*args))
    return rendered


def english_print_folders(root: Path) -> Path:
    """`root` with the example's print/ and English pages' folder, all render_print reads of English."""
    import shutil

    shutil.copytree(ROOT / "print", root / "print")
    shutil.copytree(ROOT / "content" / "en" / "pages", root / "content" / "en" / "pages")
    return root


@pytest.mark.slow
def test_documents_are_reused_only_while_what_they_are_made_from_is_the_same(
    model: Model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """render_print's memo: called again with nothing changed it renders nothing and gives the same jobs; a changed
    template (also one behind a symbolic link), text or site address gives new documents; a font file rewritten
    in place, its modification time put back, is read again."""
    from carepath.model import Text
    from carepath.render import print_kit

    english = replace(model, toolkits=model.toolkits[:1])
    root = english_print_folders(tmp_path / "toolkit")
    memo = tmp_path / "memo"
    rendered = counted_documents(monkeypatch)

    def jobs(toolkit: Model, site_url: str | None = SITE_URL) -> list[tuple[str, ...]]:
        rendered.clear()
        made = render_print(toolkit, root, site_url, memo=memo)
        return [(job.path, job.html, job.key, *made.warnings) for job in made]

    first = jobs(english)
    assert rendered and jobs(english) == first and not rendered  # the second time: from the memo
    template = root / "print" / "templates" / "signs.html.j2"
    source = template.read_text(encoding="utf-8")
    template.write_text(source.replace("{% block content %}", "{% block content %}MEMO-1", 1), encoding="utf-8")
    assert any("MEMO-1" in html for _, html, *_ in jobs(english)) and rendered
    outside = tmp_path / "signs.html.j2"  # a template behind a link: Jinja follows it, so must the key
    outside.write_text(source.replace("{% block content %}", "{% block content %}MEMO-2", 1), encoding="utf-8")
    template.unlink()
    template.symlink_to(outside)
    assert any("MEMO-2" in html for _, html, *_ in jobs(english)) and rendered
    outside.write_text(source.replace("{% block content %}", "{% block content %}MEMO-3", 1), encoding="utf-8")
    assert any("MEMO-3" in html for _, html, *_ in jobs(english)) and rendered
    retitled = replace(english, toolkits=[replace(english.toolkits[0], title=Text("MEMO-4", "en"))])
    assert all("MEMO-4" in html for _, html, *_ in jobs(retitled)) and rendered
    assert any("not an http(s) address" in str(job[3:]) for job in jobs(english, "toolkit.riverside.example"))
    font = tmp_path / "font.ttf"
    font.write_bytes(b"a" * 100)
    digest = print_kit.PrintMemo(memo).font_digests([str(font)])
    before = font.stat()
    font.write_bytes(b"b" * 100)
    os.utime(font, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert print_kit.PrintMemo(memo).font_digests([str(font)]) != digest


@pytest.mark.slow
def test_a_copy_of_the_toolkit_in_another_folder_reuses_the_documents(
    model: Model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The memo holds no folder: a copy of the toolkit (a test's, a CI runner's checkout) reuses the documents, each
    PDF allowed the copy's own files, with the keys a fresh render gives. A font in the toolkit's print/fonts/,
    which the documents name by its whole path, keeps the copy from reusing them."""
    import shutil

    english = replace(model, toolkits=model.toolkits[:1])
    first = english_print_folders(tmp_path / "first")
    memo = tmp_path / "memo"
    rendered = counted_documents(monkeypatch)

    def jobs(root: Path, memo: Path) -> list[PrintJob]:
        rendered.clear()
        return list(render_print(english, root, SITE_URL, memo=memo))

    jobs(first, memo)
    copy = tmp_path / "copy"
    shutil.copytree(first, copy)
    moved = jobs(copy, memo)
    assert not rendered, "the copy renders nothing: its documents are the first folder's"
    fresh = jobs(copy, tmp_path / "fresh-memo")
    assert rendered and [(j.path, j.html, j.key, j.allowed, j.fonts, j.fallbacks) for j in moved] == [
        (j.path, j.html, j.key, j.allowed, j.fonts, j.fallbacks) for j in fresh]
    assert all(str(copy) in j.allowed[0] and str(first) not in "".join(j.allowed) for j in moved)
    for root in (first, copy):  # the toolkit's own Noto Sans, in print/fonts/
        (root / "print" / "fonts").mkdir()
        shutil.copyfile(FONT, root / "print" / "fonts" / "NotoSans.ttf")
    own = jobs(first, memo)
    assert rendered and any(str(first / "print" / "fonts") in j.html for j in own)
    jobs(copy, memo)
    assert rendered, "documents naming the first folder's font are not the copy's"
