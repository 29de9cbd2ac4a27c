"""The Gradio web UI: cited chat, the corpus and uploads, answer ratings, and an ``ask`` API.

Every piece of article or user text is HTML-escaped, and the characters Markdown would act on
are written as character references, before it reaches a component: an article cannot bring
markup, scripts or remote images into the page. Messages are single-line HTML blocks, which
the chatbot's Markdown renderer passes through without reading them as Markdown.
"""

from __future__ import annotations

import logging
import re
import shutil
import socket
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import gradio as gr

from nato_qa.citations import answer_sentences
from nato_qa.config import Settings
from nato_qa.errors import IngestError, NatoQAError
from nato_qa.feedback import record_feedback
from nato_qa.files import written_whole
from nato_qa.ingest import IngestReport, Progress
from nato_qa.loaders import SUPPORTED_SUFFIXES, doc_id_for
from nato_qa.service import QAService
from nato_qa.types import Answer, Article, Citation

log = logging.getLogger(__name__)

# One example of each kind of question: a fact, a paraphrase, a reason, a broad question.
EXAMPLES = (
    "Who heads Japan's independent mission to NATO?",
    "Before it became independent, through which embassy was Japan's diplomatic engagement "
    "with NATO handled?",
    "Why is Japan deepening its ties with NATO?",
    "What do the articles say about Japan's support for Ukraine?",
)
TABLE_HEADERS = ["Title", "Publisher", "Date", "Chunks", "Document id"]
_CONTEXT_CHARS = 240
_MARKERS = re.compile(r"(\[\d+\])")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# HTML's five plus every character Markdown, KaTeX or an autolinker could act on.
_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_[](){}!|~$:#=^"})

CSS = """
.nqa-msg { line-height: 1.5; }
.nqa-searched { font-size: .85em; opacity: .75; margin-bottom: .35em; }
.nqa-ref { font-size: .72em; vertical-align: super; font-weight: 600; margin-left: .1em;
  color: var(--color-accent); }
.nqa-unsupported { background: rgba(245, 158, 11, .18); border-bottom: 2px dotted #d97706; }
.nqa-refusal { border-left: 4px solid #9ca3af; padding: .2em .7em; font-style: italic; }
.nqa-error { border-left: 4px solid #dc2626; padding: .2em .7em; color: #b91c1c; }
.nqa-note { font-size: .85em; opacity: .8; margin-top: .3em; }
.nqa-sources-head { font-weight: 600; font-size: .85em; margin: .8em 0 .3em;
  text-transform: uppercase; letter-spacing: .04em; opacity: .7; }
.nqa-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: .45em .75em; margin: .4em 0; background: var(--background-fill-secondary); }
.nqa-card-head { font-weight: 600; }
.nqa-n { color: var(--color-accent); margin-right: .3em; }
.nqa-meta { font-size: .8em; opacity: .75; }
.nqa-quote { margin: .35em 0; padding-left: .6em; border-left: 3px solid #f59e0b;
  font-size: .92em; }
.nqa-msg mark, .nqa-article mark { background: #fde68a; color: #111; padding: 0 .1em;
  border-radius: 2px; }
.nqa-full summary { cursor: pointer; font-size: .85em; color: var(--color-accent); }
.nqa-article { max-height: 24em; overflow-y: auto; font-size: .9em; padding: .4em .2em; }
.nqa-footer { font-size: .75em; opacity: .6; margin-top: .5em; }
"""


# -- HTML, every piece of text made inert -----------------------------------------------------


def inert(text: object) -> str:
    """Text as HTML that shows the characters and can be nothing else (no tags, no Markdown)."""
    return str(text).translate(_INERT).replace("\r", "").replace("\n", "<br>")


def _with_markers(sentence: str) -> str:
    parts = _MARKERS.split(sentence)
    return "".join(
        f'<sup class="nqa-ref">&#91;{p[1:-1]}&#93;</sup>' if _MARKERS.fullmatch(p) else inert(p)
        for p in parts
    )


def _answer_text(answer: Answer) -> str:
    lines = answer.text.split("\n")
    if len(lines) > 1 and all(line.startswith("- ") for line in lines):
        # a summary: one bullet per article, each with its markers
        items = (f"<li>{_with_markers(line[2:])}</li>" for line in lines)
        return f'<ul class="nqa-summary">{"".join(items)}</ul>'
    flagged = set(answer.unsupported)
    out = []
    for i, sentence in enumerate(answer_sentences(answer.text)):
        body = _with_markers(sentence)
        if i in flagged:
            body = (
                '<span class="nqa-unsupported" title="Not supported by the passage it cites">'
                f"⚠ {body}</span>"
            )
        out.append(body)
    return " ".join(out)


def _span(article: Article | None, start: int, end: int, quote: str) -> tuple[int, int] | None:
    """Where the quote stands in the article (offsets checked; found again if they drifted)."""
    if article is None:
        return None
    if 0 <= start < end <= len(article.text) and article.text[start:end] == quote:
        return start, end
    at = article.text.find(quote) if quote else -1
    return (at, at + len(quote)) if at >= 0 else None


def _marked(text: str, start: int, end: int) -> str:
    return f"{inert(text[:start])}<mark>{inert(text[start:end])}</mark>{inert(text[end:])}"


def render_article(article: Article, start: int | None = None, end: int | None = None) -> str:
    """The whole article as HTML, the span [start:end) wrapped in <mark>."""
    if start is None or end is None:
        return f'<div class="nqa-article">{inert(article.text)}</div>'
    return f'<div class="nqa-article">{_marked(article.text, start, end)}</div>'


def _meta(publisher: str | None, date: str | None, doc_id: str, author: str | None = None) -> str:
    parts = (publisher or "publisher unknown", f"by {author}" if author else "", date or "undated")
    return " · ".join(inert(x) for x in (*parts, doc_id) if x)


def _card(c: Citation, article: Article | None, cited: bool) -> str:
    """A source card: the passage in its context (cited span marked), and the whole article."""
    head = f'<span class="nqa-n">&#91;{c.n}&#93;</span>' if cited else ""
    span = _span(article, c.start, c.end, c.quote)
    passage = f"<mark>{inert(c.quote)}</mark>" if cited else inert(c.quote)
    full = ""
    if article is not None and span is not None:
        s, e = span
        text = article.text
        if cited:  # a little context around the cited span, within its paragraph
            lo = max(text.rfind("\n", 0, s) + 1, s - _CONTEXT_CHARS)
            hi = text.find("\n", e)
            hi = min(len(text) if hi < 0 else hi, e + _CONTEXT_CHARS)
            before = ("…" if lo > 0 and text[lo - 1] != "\n" else "") + text[lo:s]
            after = text[e:hi] + ("…" if hi < len(text) and text[hi] != "\n" else "")
            passage = f"{inert(before)}{passage}{inert(after)}"
        full = (
            '<details class="nqa-full"><summary>Open the full article</summary>'
            f"{render_article(article, s, e)}</details>"
        )
    also = f" · also in {inert(', '.join(c.also_in))}" if c.also_in else ""
    return (
        f'<div class="nqa-card"><div class="nqa-card-head">{head}{inert(c.title)}</div>'
        f'<div class="nqa-meta">{_meta(c.publisher, c.date, c.doc_id, c.author)}{also}</div>'
        f'<blockquote class="nqa-quote">{passage}</blockquote>{full}</div>'
    )


def render_answer(answer: Answer, articles: Mapping[str, Article]) -> str:
    """One answer as a chat message: text with markers, flags, notes and source cards."""
    parts = ['<div class="nqa-msg">']
    if answer.standalone_question != answer.question:
        parts.append(
            f'<div class="nqa-searched">Searched for: {inert(answer.standalone_question)}</div>'
        )
    if answer.refused:
        parts.append(f'<div class="nqa-refusal">{inert(answer.text)}</div>')
    else:
        parts.append(f'<div class="nqa-text">{_answer_text(answer)}</div>')
    if answer.unsupported:
        parts.append(
            '<div class="nqa-note">⚠ marks a sentence its cited passage does not support.</div>'
        )
    parts.extend(f'<div class="nqa-note">ℹ {inert(note)}</div>' for note in answer.notes)
    cards = answer.related if answer.refused else answer.citations
    if cards:
        label = "Related reading" if answer.refused else "Sources"
        parts.append(f'<div class="nqa-sources"><div class="nqa-sources-head">{label}</div>')
        parts.extend(_card(c, articles.get(c.doc_id), not answer.refused) for c in cards)
        parts.append("</div>")
    total = answer.timings.get("total_ms")
    timing = f" · {total:.0f} ms" if isinstance(total, (int, float)) else ""
    parts.append(f'<div class="nqa-footer">{inert(answer.backend)}{timing}</div></div>')
    return "".join(parts)


def _question_html(question: str) -> str:
    return f'<div class="nqa-msg">{inert(question)}</div>'


def _partial_html(text: str) -> str:
    return f'<div class="nqa-msg"><div class="nqa-text">{inert(text)} ▌</div></div>'


def _error_html(message: str) -> str:
    return f'<div class="nqa-msg"><div class="nqa-error">⚠ {inert(message)}</div></div>'


# -- the corpus and uploads -------------------------------------------------------------------


def safe_filename(name: str) -> str:
    """A plain file name from an uploaded name: no folders, no odd characters, no dot-files.

    Raises:
        IngestError: the file type is not one the loaders read.
    """
    base = PurePosixPath(str(name).replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = f".{suffix.lower()}" if suffix else ""
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            f"{base[:80]!r}: unsupported file type "
            f"{suffix or '(none)'!r}; upload one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    stem = _UNSAFE_NAME.sub("-", stem).strip(".-_")[:100] or "upload"
    return stem + suffix


def save_upload(src: Path, settings: Settings, name: str | None = None) -> Path:
    """Check an uploaded file and copy it into the corpus folder under a safe name.

    Raises:
        IngestError: wrong type, empty, or over ``settings.max_upload_bytes``.
    """
    filename = safe_filename(name or src.name)
    size = src.stat().st_size
    limit = settings.max_upload_bytes
    if size > limit:
        raise IngestError(
            f"{filename}: {size:,} bytes is over the upload limit of {limit:,} bytes "
            "(NATO_QA_MAX_UPLOAD_BYTES)"
        )
    if size == 0:
        raise IngestError(f"{filename}: the file is empty")
    folder = settings.corpus_dir.resolve()
    dest = folder / filename
    if dest.parent != folder:  # cannot happen after safe_filename; checked because it matters
        raise IngestError(f"{filename}: not a plain file name")
    with written_whole(dest) as out, src.open("rb") as data:
        shutil.copyfileobj(data, out, 1 << 16)
    return dest


def corpus_rows(service: QAService) -> list[list[Any]]:
    """One row per article: title, publisher, date, chunk count, document id."""
    counts: dict[str, int] = {}
    for kc in service.keyword.chunks:
        counts[kc.chunk.doc_id] = counts.get(kc.chunk.doc_id, 0) + 1
    rows = [
        [a.title, a.publisher or "", a.date or "", counts.get(doc, 0), doc]
        for doc, a in service.articles.items()
    ]
    return sorted(rows, key=lambda r: str(r[0]).lower())


class _UIProgress(Progress):
    """The ingestion progress bar shown in the browser."""

    def __init__(self, total: int, progress: gr.Progress) -> None:
        self._progress, self._total, self._done = progress, total, 0
        progress((0, total), desc="Embedding passages", unit="chunks")

    def update(self, n: int) -> None:
        self._done += n
        self._progress((self._done, self._total), desc="Embedding passages", unit="chunks")

    def close(self) -> None:
        pass


def add_upload(service: QAService, src: Path, progress: gr.Progress | None = None) -> str:
    """Save an uploaded article into the corpus and index it; returns the outcome as text.

    Raises:
        IngestError: the upload was refused or could not be ingested (nothing is kept).
    """
    settings = service.settings
    filename = safe_filename(src.name)
    doc_id = doc_id_for(Path(filename))
    taken = service.articles.get(doc_id)
    dest = settings.corpus_dir.resolve() / filename
    if taken is not None and Path(taken.source_path).resolve() != dest:
        raise IngestError(
            f"{filename}: the document id {doc_id!r} is taken by {Path(taken.source_path).name}; "
            "rename the file"
        )
    previous = dest.read_bytes() if dest.is_file() else None
    saved = save_upload(src, settings, filename)
    factory = (lambda n: _UIProgress(n, progress)) if progress is not None else None

    def restore() -> None:
        if previous is None:
            saved.unlink(missing_ok=True)
        else:
            with written_whole(saved) as out:
                out.write(previous)

    try:
        report: IngestReport = service.ingest([saved], progress=factory)
    except BaseException:  # the store failed: keep the folder in step with it
        restore()
        raise
    if report.failed:  # the file did not load, so the store is as it was: so is the folder
        restore()
        reasons = "; ".join(line.replace(str(saved), filename) for line in report.failed)
        raise IngestError(reasons)
    what = "added" if report.added else "updated" if report.updated else "unchanged"
    return f"{filename}: {what} as document {doc_id!r}; it can be asked about now."


# -- the app ----------------------------------------------------------------------------------


def _history(turns: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The conversation so far, as the service reads it (answered turns only)."""
    out: list[dict[str, str]] = []
    for t in turns:
        if t.get("answer"):
            out.append({"role": "user", "content": t["question"]})
            out.append({"role": "assistant", "content": t["answer"]["text"]})
    return out


def _messages(turns: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [m for t in turns for m in (
        {"role": "user", "content": t["question_html"]},
        {"role": "assistant", "content": t["answer_html"]},
    )]  # fmt: skip


def build_app(service: QAService) -> gr.Blocks:
    """The web UI over a service.

    Args:
        service: the QA service every tab and endpoint goes through.

    Returns:
        The Blocks app; ``launch`` serves it with the settings' host, port, login and CSS.
    """
    settings = service.settings
    backends = list(dict.fromkeys(["extractive", settings.model]))

    def respond(
        message: str, turns: list[dict[str, Any]], model: str, k: float
    ) -> Iterator[tuple[list[dict[str, str]], list[dict[str, Any]], str]]:
        turns = list(turns or [])
        question = str(message or "").strip()
        if not question:
            yield _messages(turns), turns, ""
            return
        history = _history(turns)
        turn: dict[str, Any] = {"question": question, "history": history, "answer": None,
                                "question_html": _question_html(question),
                                "answer_html": _partial_html("")}  # fmt: skip
        turns.append(turn)
        yield _messages(turns), turns, ""
        text = ""
        try:
            passages = min(max(int(k), 1), 50)  # the API can send any number
            for piece in service.stream(question, history, k=passages, model=model):
                if isinstance(piece, Answer):
                    turn["answer"] = piece.to_dict()
                    turn["answer_html"] = render_answer(piece, service.articles)
                else:
                    text += piece
                    turn["answer_html"] = _partial_html(text)
                    yield _messages(turns), turns, ""
        except NatoQAError as exc:
            turn["answer_html"] = _error_html(str(exc))
        except Exception:
            log.exception("answering %r failed", question)
            turn["answer_html"] = _error_html(
                "Something went wrong while answering; the details are in the server log."
            )
        yield _messages(turns), turns, ""

    def on_like(turns: list[dict[str, Any]], comment: str, data: gr.LikeData) -> tuple[str, str]:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        if data.liked not in (True, False) or not 0 <= index // 2 < len(turns or []):
            return "", comment
        turn = turns[index // 2]
        if not turn.get("answer"):
            return "Only answers can be rated.", comment
        record_feedback(settings.feedback_file, bool(data.liked), comment, turn["question"],
                        turn["history"], turn["answer"])  # fmt: skip
        return f"Thank you: your thumbs-{'up' if data.liked else 'down'} was saved.", ""

    def feedback(rating: str, comment: str, question: str, history: list, answer: dict) -> str:
        """Rate an answer: rating "up" or "down", an optional comment, the question, the
        history before it, and the answer dict that /ask returned."""
        try:
            record = record_feedback(settings.feedback_file, rating, comment, question,
                                     history, answer)  # fmt: skip
        except NatoQAError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        return f"saved {record['rating']} for {record['golden']['id']}"

    def ask(question: str, history: list) -> dict:
        """Answer a question about the articles; history holds the earlier turns as
        {"role", "content"} dicts, oldest first. Returns the Answer as a dict."""
        try:
            return service.ask(question, history or []).to_dict()
        except NatoQAError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    def upload(path: str | None, progress: gr.Progress = gr.Progress()) -> tuple[str, Any]:  # noqa: B008
        if not path:
            return "", gr.skip()
        try:
            status = "✓ " + inert(add_upload(service, Path(path), progress))
        except NatoQAError as exc:
            status = "⚠ " + inert(str(exc))
        except Exception:
            log.exception("upload of %s failed", Path(path).name)
            status = "⚠ The upload failed; the details are in the server log."
        return f'<div class="nqa-msg">{status}</div>', corpus_rows(service)

    def show_article(rows: Any, data: gr.SelectData) -> str:
        row = data.row_value or []
        article = service.articles.get(str(row[-1])) if row else None
        if article is None:
            return ""
        meta = _meta(article.publisher, article.date, article.doc_id, article.author)
        head = f'<h3>{inert(article.title)}</h3><div class="nqa-meta">{meta}</div>'
        return f'<div class="nqa-msg">{head}{render_article(article)}</div>'

    with gr.Blocks(title="nato-qa", analytics_enabled=False) as app:
        gr.Markdown("## nato-qa: cited answers from the articles")
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"), gr.Row():
                with gr.Column(scale=4):
                    chatbot = gr.Chatbot(
                        label="Conversation", show_label=False, elem_id="nqa-chat", height="calc(100vh - 260px)",
                        layout="panel", latex_delimiters=[], buttons=[],
                        sanitize_html=True, group_consecutive_messages=False,
                        placeholder="Ask about the articles. Every answer quotes them; "
                        "its sources are listed under it.",
                    )  # fmt: skip
                    with gr.Row():
                        box = gr.Textbox(
                            show_label=False, placeholder="Ask a question…", scale=5,
                            elem_id="nqa-question", max_lines=4, autofocus=True,
                        )  # fmt: skip
                        ask_btn = gr.Button("Ask", variant="primary", scale=1,
                                            elem_id="nqa-ask")  # fmt: skip
                    with gr.Row(elem_id="nqa-examples"):
                        example_btns = [gr.Button(q, size="sm") for q in EXAMPLES]
                    comment = gr.Textbox(
                        label="Comment (optional): type it, then rate an answer with its thumbs",
                        max_lines=3, elem_id="nqa-comment",
                    )  # fmt: skip
                    thanks = gr.Markdown(elem_id="nqa-feedback-status")
                with gr.Column(scale=1, min_width=260):
                    model = gr.Dropdown(backends, value=settings.model, label="Answer backend")
                    k = gr.Slider(1, max(20, settings.k), value=settings.k, step=1,
                                  label="Passages retrieved")  # fmt: skip
                    clear = gr.Button("Clear chat", variant="secondary")
            with gr.Tab("Corpus", id="corpus"):
                table = gr.Dataframe(
                    value=lambda: corpus_rows(service), headers=TABLE_HEADERS,
                    datatype=["str", "str", "str", "number", "str"], interactive=False,
                    wrap=True, column_widths=["42%", "16%", "11%", "8%", "23%"],
                    latex_delimiters=[], show_search="search",
                    elem_id="nqa-corpus", label="Indexed articles (select a row to read it)",
                )  # fmt: skip
                with gr.Row():
                    file = gr.File(
                        label=f"Add an article ({', '.join(SUPPORTED_SUFFIXES)}; "
                        f"up to {settings.max_upload_bytes:,} bytes)",
                        file_types=list(SUPPORTED_SUFFIXES), type="filepath",
                        elem_id="nqa-upload",
                    )  # fmt: skip
                    with gr.Column():
                        status = gr.HTML(elem_id="nqa-upload-status")
                        refresh = gr.Button("Refresh table")
                reader = gr.HTML(elem_id="nqa-reader")

        chat_io: dict[str, Any] = {"inputs": [box, turns, model, k],
                                   "outputs": [chatbot, turns, box]}  # fmt: skip
        box.submit(respond, **chat_io, api_name="chat")
        ask_btn.click(respond, **chat_io, api_visibility="private")
        for btn, q in zip(example_btns, EXAMPLES, strict=True):
            btn.click(lambda q=q: q, None, box, api_visibility="private").then(
                respond, **chat_io, api_visibility="private"
            )
        clear.click(lambda: ([], [], ""), None, [chatbot, turns, thanks], api_visibility="private")
        chatbot.clear(lambda: ([], ""), None, [turns, thanks], api_visibility="private")
        chatbot.like(on_like, [turns, comment], [thanks, comment], api_visibility="private")
        file.upload(upload, file, [status, table], api_name="upload")
        refresh.click(lambda: corpus_rows(service), None, table, api_visibility="private")
        table.select(show_article, table, reader, api_visibility="private")
        gr.api(ask, api_name="ask")
        gr.api(feedback, api_name="feedback")
    return app


def launch(
    service: QAService,
    *,
    server_port: int | None = None,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
) -> gr.Blocks:
    """Serve the UI with the service's settings (host, port, login, concurrency, upload limit).

    Args:
        service: the QA service.
        server_port: a port instead of ``settings.port`` (tests).
        prevent_thread_lock: return at once instead of serving until interrupted.
        quiet: print nothing.

    Returns:
        The running app; ``close()`` stops it.
    """
    settings = service.settings
    auth = None
    if settings.auth:
        user, _, password = settings.auth.get_secret_value().partition(":")
        auth = (user, password)
    port = settings.port if server_port is None else server_port
    if port == 0:  # "any free port": Gradio itself would report port 0 in its URLs
        with socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET) as probe:
            probe.bind((settings.host, 0))
            port = int(probe.getsockname()[1])
    app = build_app(service)
    app.queue(default_concurrency_limit=settings.concurrency)
    app.launch(
        server_name=settings.host,
        server_port=port,
        auth=auth,
        max_file_size=settings.max_upload_bytes,
        prevent_thread_lock=prevent_thread_lock,
        quiet=quiet,
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        css=CSS,
        theme=gr.themes.Soft(
            font=["ui-sans-serif", "system-ui", "sans-serif"],
            font_mono=["ui-monospace", "monospace"],
        ),
    )
    return app
