"""How every PDF is made beside its layout (reports.pdf.tagged_pdf): what WeasyPrint may read
(the charts, inline as data: URIs, and never a file or an address, whatever the print HTML
names), its streams compressed, and Python's cycle collector given back after it."""

import base64
import gc
import http.server
import io
import threading

import pikepdf
import pytest
from pypdf import PdfReader

from reports import pdf


def chart(words: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100">'
        f'<text x="10" y="50" font-size="20">{words}</text></svg>'
    )


def page_with(image_src: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><title>A report</title></head><body>'
        f'<h1>A report</h1><img alt="A chart" src="{image_src}"></body></html>'
    )


def text_of(body: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def squeezed(text: str) -> str:
    return "".join(text.split())  # a chart's letters are placed one by one


def test_it_draws_a_chart_given_as_a_data_uri():
    data = base64.b64encode(chart("Drawn").encode()).decode()
    body = pdf.html_to_pdf(page_with(f"data:image/svg+xml;base64,{data}"))
    assert "Drawn" in squeezed(text_of(body))


def test_it_reads_no_file_the_html_names(tmp_path):
    secret = tmp_path / "secret.svg"
    secret.write_text(chart("Secret"))
    body = pdf.html_to_pdf(page_with(secret.as_uri()))
    assert body.startswith(b"%PDF")
    assert "Secret" not in squeezed(text_of(body))


@pytest.fixture
def server():
    """A web server on loopback that notes every path asked of it."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/svg+xml")
            self.end_headers()
            self.wfile.write(chart("Fetched").encode())

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", asked
    httpd.shutdown()
    httpd.server_close()


def test_it_opens_no_address_the_html_names(server):
    address, asked = server
    body = pdf.html_to_pdf(page_with(f"{address}/chart.svg"))
    assert asked == []
    assert "Fetched" not in squeezed(text_of(body))


def test_it_compresses_every_stream_and_packs_the_small_objects():
    body = pdf.html_to_pdf(
        page_with(
            "data:image/svg+xml;base64," + base64.b64encode(chart("Packed").encode()).decode()
        )
    )
    with pikepdf.open(io.BytesIO(body)) as document:
        # Bar the XMP metadata, left as text for any tool to read, and empty streams.
        streams = [
            o
            for o in document.objects
            if isinstance(o, pikepdf.Stream)
            and o.get("/Type") != "/Metadata"
            and o.read_raw_bytes()
        ]
        assert len(streams) > 3
        assert all("/Filter" in stream for stream in streams)
        assert any(stream.get("/Type") == "/ObjStm" for stream in streams)


def test_it_gives_the_cycle_collector_back_after_a_pdf_and_after_a_failure(monkeypatch):
    assert gc.isenabled()
    pdf.html_to_pdf(page_with("data:,"))
    assert gc.isenabled()

    def fails(*args):
        raise RuntimeError("the tags could not be finished")

    monkeypatch.setattr(pdf, "finish_tags", fails)
    with pytest.raises(RuntimeError):
        pdf.html_to_pdf(page_with("data:,"))
    assert gc.isenabled()


def test_it_leaves_the_cycle_collector_off_when_it_was_off():
    gc.disable()
    try:
        pdf.html_to_pdf(page_with("data:,"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_it_keeps_the_collector_paused_until_the_last_of_several_threads_is_done():
    """Two threads make PDFs at once; the first to start finishes first."""
    steps = {name: threading.Event() for name in ("a_in", "b_in", "a_out", "b_out")}
    done = {name: threading.Event() for name in ("a", "b")}

    def make(me: str, go_in: str, go_out: str):
        steps[go_in].wait(5)
        with pdf._collector_paused():
            done[me].set()
            steps[go_out].wait(5)
        done[me].clear()

    threads = [
        threading.Thread(target=make, args=("a", "a_in", "a_out")),
        threading.Thread(target=make, args=("b", "b_in", "b_out")),
    ]
    for thread in threads:
        thread.start()
    steps["a_in"].set()
    assert done["a"].wait(5) and not gc.isenabled()
    steps["b_in"].set()
    assert done["b"].wait(5)
    steps["a_out"].set()
    threads[0].join(5)
    assert not gc.isenabled()  # b is still making its PDF
    steps["b_out"].set()
    threads[1].join(5)
    assert gc.isenabled()
