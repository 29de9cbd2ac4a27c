"""Cleaning and loading on the real corpus: boilerplate out, metadata in, every sentence kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nato_qa.chunking import chunk_article
from nato_qa.clean import clean_article, find_date
from nato_qa.loaders import load_article, title_from_doc_id

from .conftest import CORPUS, SECOND_CORPUS

BOILERPLATE = [
    "Leave a Reply",
    "Your email address will not be published",
    "Required fields are marked",
    "Back To Top",
    "Dismiss",
    "Features",
    "The Latest",
    "Cybersecurity and the Defense Industry Should Become Priorities",
    "Usage of Drones in the War in Ukraine",
    "Russian hackers have attacked several EU countries",
    "Photo credit",
    "Courtesy: Arirang News",
    "Geopolitics Strategic Thinking",
]

# Sentences that must survive, a sample from each article (first, middle and last ones).
KEPT = {
    "japan-deepens-cooperation-with-nato": [
        "NATO is in negotiations with Japan to open a liaison office no later than 2024 in Tokyo.",
        "This was confirmed by Japanese Prime Minister Kishida, who said in May that Japan had no "
        "plans to join NATO.",
        "these developments could strengthen ties between NATO and other regional security "
        "organizations.",
    ],
    "japan-establishes-diplomatic-mission-to-nato": [
        "Japan has formally launched an independent diplomatic mission to NATO",
        "He succeeds Masahiro Mikami, Japan's ambassador to Belgium",
        "Tokyo's support for Ukraine.",
    ],
    "japan-launches-independent-mission-to-nato": [
        "On Thursday, Japan officially launched an independent mission to the NATO military",
        "Izawa takes over the position previously filled by Masahiro Mikami, the ambassador to "
        "Belgium.",
        "as the country prepares to address the increasingly complex threats of the 21st century.",
    ],
    "japan-seeks-role-in-nato-ukraine-mission": [
        "In a significant step towards strengthening Japan’s partnership with NATO",
        "“We must remain vigilant and collaborate deeply.”",
        "apprehensive of Washington’s potential move to replicate a NATO-style alliance within "
        "the region.",
    ],
    "japans-deepening-ties-with-nato": [
        "Japan is one of the most significant countries in East Asia",
        "Also, Japanese Prime Minister Yoshihide Kishida considered the invasion to be an "
        "immediate threat to Japan.",
        "Japan is securing its interests through strategic partnership and ensuring its "
        "powerful position in the Indo-Pacific region.",
    ],
}


@pytest.fixture(scope="module")
def articles() -> dict[str, object]:
    return {p.stem: load_article(p, 10_000_000) for p in sorted(CORPUS.glob("*.txt"))}


def test_boilerplate_is_removed(articles: dict) -> None:
    for doc_id, article in articles.items():
        for phrase in BOILERPLATE:
            assert phrase not in article.text, f"{phrase!r} left in {doc_id}"


def test_what_the_page_says_of_its_author_is_kept(articles: dict) -> None:
    """The byline before the body, or the author's bio after it, stays in the text (the line a
    "who wrote it?" answer cites); an article that names no author has none."""
    bne = articles["japan-establishes-diplomatic-mission-to-nato"]
    assert bne.byline == "By bno - Taipei Bureau January 17, 2025"
    assert bne.text.startswith(bne.byline + "\n\nJapan has formally launched")
    oped = articles["japans-deepening-ties-with-nato"]
    assert oped.byline == "Aishwarya Sanjukta Roy Proma"
    assert oped.text.endswith(
        "Aishwarya Sanjukta Roy Proma\n\nAishwarya Sanjukta Roy Proma is a Research Associate at "
        "the BRAC Institute of Governance and Development (BIGD). She is a research analyst in "
        "security studies. She obtained her Master's and Bachelor's in International Relations "
        "from the University of Dhaka, Bangladesh."
    )
    arirang = articles["japan-launches-independent-mission-to-nato"]
    assert arirang.byline and arirang.byline.startswith("Mukesh Singh Profile He is an IITian")
    assert arirang.text.endswith(arirang.byline)
    assert articles["japan-seeks-role-in-nato-ukraine-mission"].byline is None
    # a leading byline is cited, not searched: no chunk holds it (its date would match any
    # question on that year); the bio after the body is searched like the rest
    assert all("Taipei Bureau" not in c.text for c in chunk_article(bne, 600, 1))
    assert any("BRAC Institute" in c.text for c in chunk_article(oped, 600, 1))


def test_article_sentences_are_kept(articles: dict) -> None:
    assert set(KEPT) == set(articles)
    for doc_id, sentences in KEPT.items():
        for sentence in sentences:
            assert sentence in articles[doc_id].text, f"lost from {doc_id}: {sentence!r}"


def test_every_body_paragraph_survives_cleaning() -> None:
    """Every long prose line of each raw file is in the clean text, except the author bios."""
    for path in CORPUS.glob("*.txt"):
        text = clean_article(path.read_text(encoding="utf-8")).text
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.replace("\xa0", " ").strip()
            if len(line) < 150 or any(p in line for p in BOILERPLATE):
                continue
            if line.startswith(("NATO’s 2024 summit", "Drones, or UAVs", "Russian hackers")):
                continue  # teasers of other stories under "The Latest"
            assert line in text, f"{path.name}: lost {line[:80]!r}"


def test_metadata(articles: dict) -> None:
    bne = articles["japan-establishes-diplomatic-mission-to-nato"]
    assert bne.date == "2025-01-17"
    assert bne.publisher == "bno IntelliNews"
    assert bne.author == "bno - Taipei Bureau"
    assert bne.title.startswith("Japan establishes diplomatic mission to NATO")
    arirang = articles["japan-launches-independent-mission-to-nato"]
    assert arirang.publisher == "Arirang News"
    assert arirang.title == "Japan Launches Independent Mission to NATO, Strengthening Global Ties"
    assert articles["japan-deepens-cooperation-with-nato"].author == "Katarína Ďurďovičová"
    assert articles["japans-deepening-ties-with-nato"].author == "Aishwarya Sanjukta Roy Proma"
    for article in articles.values():
        assert article.title and len(article.title) > 10
        assert re.fullmatch(r"[0-9a-f]{64}", article.sha256)
    # Dates only where the text states one.
    assert articles["japan-seeks-role-in-nato-ukraine-mission"].date is None


def test_captions_teaser_lists_and_copyright_lines_are_furniture() -> None:
    """Other sites' furniture: photo captions and credits, the "More from Business" and "You
    might also like" lists of other stories, the copyright line. The sentences before them
    stay."""
    texts = {p.stem: load_article(p, 10_000_000).text for p in SECOND_CORPUS.glob("*.txt")}
    everything = "\n".join(texts.values())
    for furniture in (
        "Pictured: Residents queue",
        "Photo caption:",
        "Image caption:",
        "Photo: Dead fish gathered",
        "In pictures: Members of Save the Tessel",
        "More from Business",
        "Brewery expansion to create 35 jobs",
        "You might also like",
        "Teenager sentenced for string of car thefts",
        "Copyright 2025",
    ):
        assert furniture not in everything, furniture
    restart = texts["brightwell-restarts-millbrook-dye-works-under-strict-conditions"]
    assert "would attend the first court hearing later this month." in restart
    court = texts["brightwell-textiles-admits-river-pollution-charge-at-ashdale-court"]
    assert "where there is no upper limit on the fine that can be imposed." in court


def test_the_masthead_is_the_publisher() -> None:
    """The page's first line names the paper ("The Valley Record", "THE ASHDALE POST"); the
    headline's own "| Publisher" wins over a masthead's abbreviation; a section label on the
    first line ("Geopolitics Strategic Thinking") is no publisher."""
    publishers = {
        p.stem: load_article(p, 10_000_000).publisher for p in SECOND_CORPUS.glob("*.txt")
    }
    assert publishers == {
        "anger-boils-over-at-packed-public-meeting-on-tessel-spill": "Tessel Valley Courier",
        "brightwell-restarts-millbrook-dye-works-under-strict-conditions": "The Ashdale Post",
        "brightwell-textiles-admits-river-pollution-charge-at-ashdale-court": "The Valley Record",
        "dye-works-to-be-prosecuted-over-river-tessel-fish-kill": "Northern Counties News",
        "thousands-of-dead-fish-found-in-river-tessel-after-chemical-spill": "Millbrook Mercury",
    }
    assert load_article(CORPUS / "japan-deepens-cooperation-with-nato.txt", 10**7).publisher is None
    # "… – OpEd" says what kind of piece it is, not who published it
    oped = load_article(CORPUS / "japans-deepening-ties-with-nato.txt", 10**7)
    assert oped.publisher is None and oped.title.endswith("Indo-Pacific – OpEd")


def test_find_date_formats() -> None:
    assert find_date("By bno - Taipei Bureau January 17, 2025") == "2025-01-17"
    assert find_date("published 3 March 2024") == "2024-03-03"
    assert find_date("2023-07-11T10:00") == "2023-07-11"
    assert find_date("February 30, 2024") is None
    assert find_date("no date here") is None


def test_title_from_doc_id() -> None:
    assert title_from_doc_id("japan-seeks-role-in-nato-ukraine-mission").startswith(
        "Japan seeks role in NATO"
    )


def test_markdown_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(
        "---\ntitle: A Test\npublisher: Example Times\nauthor: Jo Doe\ndate: 2024-05-06\n"
        "url: https://example.org/a\n---\n"
        "Japan and NATO signed a new partnership programme in Vilnius last July.\n",
        encoding="utf-8",
    )
    article = load_article(path, 10_000)
    assert (article.title, article.publisher, article.author, article.date, article.url) == (
        "A Test", "Example Times", "Jo Doe", "2024-05-06", "https://example.org/a",
    )  # fmt: skip
    assert article.text.startswith("Japan and NATO signed")


def test_html_is_extracted_with_trafilatura(tmp_path: Path) -> None:
    body = " ".join(["Japan opened a mission to NATO in Brussels to deepen cooperation."] * 8)
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Mission news</title></head><body><nav>Home | About</nav>"
        f"<article><h1>Mission news</h1><p>{body}</p></article>"
        "<footer>Back To Top</footer></body></html>",
        encoding="utf-8",
    )
    article = load_article(path, 100_000)
    assert "Japan opened a mission to NATO" in article.text
    assert "Home | About" not in article.text
    assert article.title == "Mission news"


def test_pdf_is_read_with_pypdf(tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    stream = DecodedStreamObject()
    stream.set_data(
        b"BT /F1 12 Tf 72 720 Td (Japan sent observers to the North Atlantic Council "
        b"meetings in Brussels this spring.) Tj ET"
    )
    page[NameObject("/Contents")] = writer._add_object(stream)
    path = tmp_path / "report.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    article = load_article(path, 100_000)
    assert "North Atlantic Council" in article.text
