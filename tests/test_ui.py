"""The web UI on a real server, driven through its API with gradio_client; nothing faked."""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError, AuthenticationError
from hypothesis import given, settings
from hypothesis import strategies as st

from nato_qa import QAService
from nato_qa.embedders import Embedder
from nato_qa.errors import IngestError
from nato_qa.evaluation import load_golden
from nato_qa.feedback import record_feedback
from nato_qa.types import Answer, Article, Citation
from nato_qa.ui import inert, launch, render_answer, safe_filename, save_upload

from .conftest import free_port, make_settings

FIRST = "Who heads Japan's independent mission to NATO?"
FOLLOW_UP = "Whom did he succeed?"
OFF_TOPIC = "What is the best recipe for sourdough bread?"

NEW_ARTICLE = """Japan Opens Liaison Office in Reykjavik

Japan opened a liaison office for Arctic security cooperation with NATO in Reykjavik on Monday.

The Reykjavik liaison office is headed by Aiko Tanabe, a former defence attaché in Oslo.

The office will coordinate maritime surveillance data with allied navies in the North Atlantic.
"""

HOSTILE_ARTICLE = """---
title: "Kestrel Harbour accord <img src=x onerror=\\"window.__pwned=1\\"> <script>window.__pwned=2</script>"
publisher: "<b onmouseover=alert(6)>Evil</b> Press"
date: 2025-02-03
---
The Kestrel Harbour accord was signed by Japan and NATO in the port of Kestrel on a cold morning <script>window.__pwned=3;alert(3)</script> after long talks.

The secretary of the Kestrel Harbour accord is Haruki Voss <img src=x onerror="window.__pwned=4;alert(4)"> who will report to both sides each year.

Readers can study the harbour map ![map](http://127.0.0.1:9/evil.png) and [the annex](javascript:alert(5)) in the appendix of the Kestrel Harbour accord.
"""

# What our own HTML may contain: these tags, with these attributes only.
ALLOWED_TAGS = {"div", "span", "sup", "mark", "blockquote", "details", "summary", "br"}
ALLOWED_ATTRS = {"class", "title"}


class TagAudit(HTMLParser):
    """Collects every tag and attribute, and the text inside <mark> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.marks: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)
        if tag == "mark":
            self._depth += 1
            self.marks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.marks[-1] += data


def audit(markup: str) -> TagAudit:
    parser = TagAudit()
    parser.feed(markup)
    parser.close()
    return parser


def serve(service: QAService) -> Iterator[Client]:
    app = launch(service, server_port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        yield Client(app.local_url, verbose=False)
    finally:
        app.close()


def last_message(chat: list[dict[str, Any]]) -> str:
    """The text of the last chat message (the answer), as the chatbot receives it."""
    content = chat[-1]["content"]
    return "".join(c.get("text", "") for c in content) if isinstance(content, list) else content


def answer_text(message: str) -> str:
    """The answer's own words in a rendered chat message (without sources or notes)."""
    match = re.search(r'<div class="nqa-text">(.*?)</div>', message)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))) if match else ""


@pytest.fixture(scope="module")
def client(service: QAService) -> Iterator[Client]:
    yield from serve(service)


# -- fast checks of the pieces (no server) ----------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_inert_text_has_no_markup_and_reads_back(text: str) -> None:
    out = inert(text)
    assert not set(out.replace("<br>", "")) & set("<>\"'`*_[]()!|~$:=\\")
    assert html.unescape(out.replace("<br>", "\n")) == text.replace("\r", "")
    assert audit(out).tags <= {"br"}


@settings(max_examples=100, deadline=None)
@given(
    before=st.text(max_size=80),
    quote=st.text(min_size=1, max_size=80).filter(str.strip),  # quotes are never blank
    after=st.text(max_size=80),
    title=st.text(max_size=40),
    publisher=st.one_of(st.none(), st.text(max_size=20)),
)
def test_rendered_answer_only_carries_our_markup(
    before: str, quote: str, after: str, title: str, publisher: str | None
) -> None:
    text = before + quote + after
    article = Article("doc", title, text, "sha", publisher=publisher)
    cite = Citation(1, "doc", title, len(before), len(before) + len(quote), quote, 0.9, publisher)
    answer = Answer("q?", f"{quote} [1]", (cite,), False, "q? (context: x)", "extractive",
                    unsupported=(0,))  # fmt: skip
    markup = render_answer(answer, {"doc": article})
    found = audit(markup)
    assert found.tags <= ALLOWED_TAGS
    assert found.attrs <= ALLOWED_ATTRS
    clean = quote.replace("\r", "").replace("\n", "")  # a newline shows as <br>
    assert found.marks == [clean, clean]  # the card's passage, and the span in the full article
    assert "Searched for" in markup and "nqa-unsupported" in markup


def test_safe_filename_keeps_a_plain_basename() -> None:
    assert safe_filename("../../etc/cron.d/evil.TXT") == "evil.txt"
    assert safe_filename("..\\..\\windows\\x y<z>.md") == "x-y-z.md"
    assert safe_filename("/abs/.hidden.html") == "hidden.html"
    with pytest.raises(IngestError, match="unsupported file type"):
        safe_filename("payload.exe")
    with pytest.raises(IngestError, match="unsupported file type"):
        safe_filename("noextension")


def test_upload_checks_size_and_stays_in_corpus_dir(tmp_path: Path) -> None:
    settings_ = make_settings(tmp_path, max_upload_bytes=100)
    big = tmp_path / "big.txt"
    big.write_text("x" * 101)
    with pytest.raises(IngestError, match="over the upload limit of 100 bytes"):
        save_upload(big, settings_)
    small = tmp_path / "small.txt"
    small.write_text("A short article.")
    saved = save_upload(small, settings_, name="../../outside.txt")
    assert saved == (tmp_path / "corpus" / "outside.txt").resolve()
    assert not (tmp_path.parent / "outside.txt").exists()


def test_feedback_appends_whole_lines_under_concurrency(tmp_path: Path) -> None:
    path = tmp_path / "data" / "feedback.jsonl"
    answer = {"text": "Izawa heads it. [1]", "refused": False, "backend": "extractive",
              "citations": [{"doc_id": "a", "quote": "Izawa heads it."}]}  # fmt: skip
    args = [(path, "up", "x" * 5000, f"q{i}?", [], answer) for i in range(16)]
    threads = [threading.Thread(target=record_feedback, args=a) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert sorted(r["question"] for r in rows) == sorted(f"q{i}?" for i in range(16))
    assert all(r["golden"]["answers"] == ["Izawa heads it."] for r in rows)


# -- the running app --------------------------------------------------------------------------


@pytest.mark.slow
def test_ask_endpoint_returns_a_cited_answer(client: Client, service: QAService) -> None:
    answer = client.predict(FIRST, [], api_name="/ask")
    assert not answer["refused"]
    assert answer["citations"] and "[1]" in answer["text"]
    for c in answer["citations"]:
        assert service.articles[c["doc_id"]].text[c["start"] : c["end"]] == c["quote"]


@pytest.mark.slow
def test_ask_endpoint_errors_are_readable(client: Client) -> None:
    with pytest.raises(AppError) as info:
        client.predict("   ", [], api_name="/ask")
    assert "the question is empty" in str(info.value)
    assert "Traceback" not in str(info.value)


@pytest.mark.slow
def test_follow_up_in_the_chat_uses_the_conversation(client: Client) -> None:
    session = Client(client.src, verbose=False)  # a session of its own: empty history
    session.predict(FIRST, "extractive", 5, api_name="/chat")
    chat, box = session.predict(FOLLOW_UP, "extractive", 5, api_name="/chat")
    assert box == "" and len(chat) == 4
    message = last_message(chat)
    assert "nqa-refusal" not in message
    assert "Searched for" in message
    assert "Mikami" in answer_text(message)  # the answer itself, not its source cards


@pytest.mark.slow
def test_follow_up_through_the_api_uses_the_history(client: Client) -> None:
    first = client.predict(FIRST, [], api_name="/ask")
    history = [
        {"role": "user", "content": first["question"]},
        {"role": "assistant", "content": first["text"]},
    ]
    answer = client.predict(FOLLOW_UP, history, api_name="/ask")
    assert answer["standalone_question"] != FOLLOW_UP
    assert not answer["refused"] and "Mikami" in answer["text"]


@pytest.mark.slow
def test_off_topic_question_is_refused(client: Client) -> None:
    answer = client.predict(OFF_TOPIC, [], api_name="/ask")
    assert answer["refused"] and answer["citations"] == []
    chat, _ = Client(client.src, verbose=False).predict(
        OFF_TOPIC, "extractive", 5, api_name="/chat"
    )
    message = last_message(chat)
    assert "nqa-refusal" in message and 'nqa-ref"' not in message
    if answer["related"]:
        assert "Related reading" in message


@pytest.mark.slow
def test_feedback_endpoint_writes_a_json_line(client: Client, service: QAService) -> None:
    answer = client.predict(FIRST, [], api_name="/ask")
    status = client.predict("down", "wrong person", FIRST, [], answer, api_name="/feedback")
    assert status.startswith("saved down")
    row = json.loads(service.settings.feedback_file.read_text().splitlines()[-1])
    assert row["rating"] == "down" and row["comment"] == "wrong person"
    assert row["question"] == FIRST and row["answer"] == answer["text"]
    assert row["citations"] == answer["citations"] and row["backend"] == "extractive"
    assert row["refused"] is False and row["standalone_question"] == FIRST
    golden = Path(service.settings.data_dir) / "suggested.jsonl"
    golden.write_text(json.dumps(row["golden"]) + "\n")
    (question,) = load_golden(golden)  # the suggestion is a valid golden line
    assert question.answers == ("wrong person",) and question.answerable
    with pytest.raises(AppError, match="rating must be"):
        client.predict("meh", "", FIRST, [], answer, api_name="/feedback")


@pytest.mark.slow
def test_uploads_over_the_limit_or_of_other_types_are_refused(
    client: Client, service: QAService, tmp_path: Path
) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (service.settings.max_upload_bytes // 5 + 1))
    with pytest.raises(ValueError, match="exceeds the maximum file size"):
        client.predict(handle_file(str(big)), api_name="/upload")
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ not an article")
    with pytest.raises(AppError, match="Invalid file type"):
        client.predict(handle_file(str(exe)), api_name="/upload")
    assert not list(service.settings.corpus_dir.glob("big*")) + list(
        service.settings.corpus_dir.glob("tool*")
    )


@pytest.mark.slow
def test_uploaded_article_can_be_asked_about_at_once(
    fresh_service: QAService, tmp_path: Path
) -> None:
    fresh_service.ingest()
    source = tmp_path / "uploads" / "reykjavik liaison office.txt"
    source.parent.mkdir()
    source.write_text(NEW_ARTICLE)
    for client in serve(fresh_service):
        status, table = client.predict(handle_file(str(source)), api_name="/upload")
        assert "added as document &#39;reykjavik-liaison-office&#39;" in status
        assert any(row[-1] == "reykjavik-liaison-office" for row in table["data"])
        assert (fresh_service.settings.corpus_dir / "reykjavik-liaison-office.txt").is_file()
        answer = client.predict("Who heads the Reykjavik liaison office?", [], api_name="/ask")
        assert "Aiko Tanabe" in answer["text"]
        assert "reykjavik-liaison-office" in {c["doc_id"] for c in answer["citations"]}


@pytest.mark.slow
def test_hostile_article_is_escaped_everywhere(fresh_service: QAService, tmp_path: Path) -> None:
    fresh_service.ingest()
    source = tmp_path / "kestrel-harbour-accord.md"
    source.write_text(HOSTILE_ARTICLE)
    for client in serve(fresh_service):
        status, _ = client.predict(handle_file(str(source)), api_name="/upload")
        assert "added" in status
        chat, _ = client.predict(
            "Who is the secretary of the Kestrel Harbour accord?", "extractive", 5, api_name="/chat"
        )
        message = last_message(chat)
    assert "Haruki Voss" in answer_text(message)
    found = audit(message)
    assert found.tags <= ALLOWED_TAGS and found.attrs <= ALLOWED_ATTRS
    for raw in ("<script", "<img", "<b ", "onerror=", "](http", "![", "javascript:"):
        assert raw not in message
    assert "&#60;script&#62;" in message and "&#60;img src&#61;x onerror" in message


@pytest.mark.slow
def test_login_is_required_when_auth_is_set(tmp_path: Path, embedder: Embedder) -> None:
    secured = QAService(make_settings(tmp_path, auth="reader:s3:cret", port=0))
    secured.__dict__["embedder"] = embedder
    app = launch(secured, prevent_thread_lock=True, quiet=True)
    try:
        assert app.server_port and app.server_port != 0 and "127.0.0.1" in app.local_url
        with pytest.raises(AuthenticationError, match="Please login"):
            Client(app.local_url, verbose=False)
        reader = Client(app.local_url, auth=("reader", "s3:cret"), verbose=False)
        with pytest.raises(AppError, match="the store is empty"):  # readable, no traceback
            reader.predict("Who heads the mission?", [], api_name="/ask")
    finally:
        app.close()
