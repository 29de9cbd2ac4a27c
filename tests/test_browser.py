"""The web UI in a real headless Chromium (Debian's chromium + chromium-driver, via Selenium)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nato_qa import QAService
from nato_qa.ui import EXAMPLES, launch

from .conftest import free_port
from .test_ui import FIRST, HOSTILE_ARTICLE

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium: apt-get install -y chromium chromium-driver",
    ),
]

# Runs before any page script: records alerts and any script the page was tricked into running.
TRAPS = """
window.__alerts = [];
window.alert = window.confirm = window.prompt = (m) => { window.__alerts.push(String(m)); };
"""


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1400,1000",
    ):  # fmt: skip
        options.add_argument(flag)
    with tempfile.TemporaryDirectory(prefix="nqa-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        browser = webdriver.Chrome(
            service=Service(executable_path=str(CHROMEDRIVER)), options=options
        )
        browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TRAPS})
        try:
            yield browser
        finally:
            browser.quit()


def open_app(browser: Any, service: QAService) -> Any:
    """Serve the service and load the page; returns the app (close it after)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    app = launch(service, server_port=free_port(), prevent_thread_lock=True, quiet=True)
    browser.get(app.local_url)
    WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#nqa-question textarea")
    )
    return app


def ask(browser: Any, question: str, answers: int = 1) -> Any:
    """Type a question, send it, and wait until the answer's sources are on the page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    box = browser.find_element(By.CSS_SELECTOR, "#nqa-question textarea")
    box.send_keys(question, Keys.ENTER)
    WebDriverWait(browser, 60).until(
        lambda b: len(b.find_elements(By.CSS_SELECTOR, "#nqa-chat .nqa-footer")) >= answers
    )
    return browser.find_elements(By.CSS_SELECTOR, "#nqa-chat .nqa-msg")[-1]


def test_question_streams_a_cited_answer_with_highlighted_sources(
    driver: Any, service: QAService, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    expected = service.ask(FIRST)
    app = open_app(driver, service)
    try:
        answer = ask(driver, FIRST)
        assert answer.find_elements(By.CSS_SELECTOR, "sup.nqa-ref")  # the [n] markers
        cards = answer.find_elements(By.CSS_SELECTOR, ".nqa-card")
        assert len(cards) == len(expected.citations)
        first = cards[0]
        cite = expected.citations[0]
        assert cite.title in first.find_element(By.CSS_SELECTOR, ".nqa-card-head").text
        assert cite.quote == first.find_element(By.CSS_SELECTOR, ".nqa-quote mark").text
        first.find_element(By.CSS_SELECTOR, "details summary").click()
        full = first.find_element(By.CSS_SELECTOR, ".nqa-article")
        WebDriverWait(driver, 5).until(lambda _: full.is_displayed())
        mark = full.find_element(By.CSS_SELECTOR, "mark")
        assert mark.text == cite.quote
        assert len(full.text) > len(mark.text)  # the whole article, not just the quote
        driver.save_screenshot(str(tmp_path / "chat.png"))

        # A thumbs-up with a comment lands in the feedback file.
        driver.find_element(By.CSS_SELECTOR, "#nqa-comment textarea").send_keys("clear answer")
        answer_row = driver.find_elements(By.CSS_SELECTOR, "#nqa-chat button[aria-label=Like]")
        answer_row[-1].click()
        WebDriverWait(driver, 15).until(
            lambda b: "saved" in b.find_element(By.ID, "nqa-feedback-status").text
        )
        row = json.loads(service.settings.feedback_file.read_text().splitlines()[-1])
        assert row["rating"] == "up" and row["comment"] == "clear answer"
        assert row["question"] == FIRST and row["citations"]
    finally:
        app.close()


def test_broad_question_renders_a_bulleted_summary_in_a_full_height_chat(
    driver: Any, service: QAService, tmp_path: Path
) -> None:
    """A broad question (the first screen's example of that kind) is answered as bullets, one
    per article, each with its [n] markers and a source card per citation; the chat fills
    most of the window's height."""
    from selenium.webdriver.common.by import By

    broad = next(q for q in EXAMPLES if q.lower().startswith("what do the articles say"))
    expected = service.ask(broad)
    assert len(expected.citations) >= 3  # a summary, not a one-sentence answer
    app = open_app(driver, service)
    try:
        buttons = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#nqa-examples button")]
        assert buttons == list(EXAMPLES)  # one example of each kind on the first screen
        answer = ask(driver, broad)
        bullets = answer.find_elements(By.CSS_SELECTOR, "ul.nqa-summary > li")
        lines = [line for line in expected.text.splitlines() if line.startswith("- ")]
        assert len(bullets) == len(lines) >= 2
        for bullet in bullets:
            assert bullet.find_elements(By.CSS_SELECTOR, "sup.nqa-ref"), bullet.text
            assert bullet.value_of_css_property("display") == "list-item"
            assert bullet.value_of_css_property("list-style-type") != "none"  # a marker shows
        markers = answer.find_elements(By.CSS_SELECTOR, "ul.nqa-summary sup.nqa-ref")
        assert len(markers) == len(expected.citations)
        cards = answer.find_elements(By.CSS_SELECTOR, ".nqa-card")
        assert len(cards) == len(expected.citations)
        window = driver.execute_script("return window.innerHeight")
        chat = driver.find_element(By.CSS_SELECTOR, "#nqa-chat").size["height"]
        assert chat >= 0.6 * window, (chat, window)
        driver.save_screenshot(str(tmp_path / "broad.png"))
    finally:
        app.close()


def test_hostile_upload_renders_inert(
    driver: Any, fresh_service: QAService, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    source = tmp_path / "kestrel-harbour-accord.md"
    source.write_text(HOSTILE_ARTICLE)
    app = open_app(driver, fresh_service)  # an empty store: the upload is its first article
    try:
        driver.find_element(By.XPATH, "//button[@role='tab' and contains(., 'Corpus')]").click()
        upload = WebDriverWait(driver, 10).until(
            lambda b: b.find_element(By.CSS_SELECTOR, "#nqa-upload input[type=file]")
        )
        upload.send_keys(str(source))
        WebDriverWait(driver, 60).until(
            lambda b: "added" in b.find_element(By.ID, "nqa-upload-status").text
        )
        table = driver.find_element(By.ID, "nqa-corpus")
        WebDriverWait(driver, 10).until(lambda _: "<script>" in table.text)  # shown as text
        driver.find_element(By.XPATH, "//button[@role='tab' and contains(., 'Chat')]").click()
        answer = ask(driver, "Who is the secretary of the Kestrel Harbour accord?")
        assert "Haruki Voss" in answer.find_element(By.CSS_SELECTOR, ".nqa-text").text
        for summary in answer.find_elements(By.CSS_SELECTOR, "details summary"):
            summary.click()
        article = answer.find_element(By.CSS_SELECTOR, ".nqa-article")
        assert "<script>window.__pwned=3" in article.text  # the markup is shown, as text
        assert "![map](http://127.0.0.1:9/evil.png)" in article.text
        driver.save_screenshot(str(tmp_path / "hostile.png"))

        page = driver.execute_script(
            """return {
              alerts: window.__alerts, pwned: window.__pwned === undefined ? null : window.__pwned,
              scripts: [...document.querySelectorAll('script')]
                .filter(s => s.textContent.includes('__pwned')).length,
              onerror: document.querySelectorAll('[onerror], [onmouseover]').length,
              images: [...document.images].map(i => i.getAttribute('src') || '')
                .filter(s => s === 'x' || s.includes('evil')),
              links: document.querySelectorAll('a[href^="javascript"]').length,
              fetched: performance.getEntriesByType('resource').map(e => e.name)
                .filter(n => n.includes('evil')),
            }"""
        )
        assert page == {
            "alerts": [], "pwned": None, "scripts": 0, "onerror": 0, "images": [], "links": 0,
            "fetched": [],
        }  # fmt: skip
    finally:
        app.close()
