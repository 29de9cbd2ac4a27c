"""Pure text cleaning: site boilerplate out, article metadata taken, every article sentence kept.

A scraped page is read as a list of lines (each line one paragraph):

* a **header** of short lines before the first body paragraph: section navigation, the title
  (often repeated), a byline with author and date, ``Title / Publisher``, an author line;
* the **body**: the article's paragraphs;
* a **tail** from the first end marker on: "The Latest" teasers, "More from …" and "You might
  also like" lists, "Leave a Reply" comment forms, "Photo credit", "Courtesy: Publisher",
  references, author-bio blocks, copyright lines, "Back To Top".

Furniture lines are dropped wherever they stand: consent banners, newsletter prompts, share
widgets, tag lists, reading times, menus, photo captions and credits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_PATTERNS = (
    re.compile(rf"\b(?P<month>{_MONTH_RE})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(rf"\b(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH_RE})\.?,?\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)"),
)

# Lines that are navigation, sharing or widget chrome wherever they stand.
_NAV_LINES = {
    "back to top",
    "dismiss",
    "features",
    "share",
    "share this",
    "share this:",
    "tweet",
    "print",
    "email",
    "advertisement",
    "skip to content",
    "menu",
    "subscribe",
}
# Lines after which nothing belongs to the article.
_END_LINES = {
    "the latest",
    "most read",
    "most popular",
    "trending",
    "recommended",
    "recommended for you",
    "more from this section",
    "related",
    "leave a reply",
    "leave a comment",
    "references",
    "related articles",
    "related posts",
    "related stories",
    "read more",
    "more stories",
    "you may also like",
    "you might also like",
    "read next",
    "most viewed",
    "comments",
    "about the author",
}
_END_PREFIXES = (
    "photo credit",
    "image credit",
    "courtesy:",
    "your email address will not be published",
    "copyright ©",
    "©",
)
# End markers written with a section's or a year's name: "More from Business", "More on this
# story", "Copyright 2025 The Post Ltd."
_END_RE = re.compile(r"^(?:more\s+(?:from|in|on)\s+.{1,40}|copyright\s+\d{4}\b.*)$")
# Page furniture of any site, wherever it stands: consent banners, newsletter and app prompts,
# advertisement markers, tag lists, share widgets, reading times, menus.
_FURNITURE_RES = (
    re.compile(r"\bcookies?\b.*\b(accept|consent|preferences|privacy|reject|agree)", re.I),
    re.compile(r"^(advertisement|advert|sponsored|promoted|ad)\b", re.I),
    re.compile(r"continue reading below|scroll to continue", re.I),
    re.compile(r"\b(sign up|subscribe|newsletter|briefing|download (our|the) app|get the app)\b"
               r".{0,80}$", re.I),
    re.compile(r"^(tags|tagged|topics|filed under|categories|keywords)\s*:", re.I),
    re.compile(r"^(share( this( article| story)?)?|follow us)\s*:?\s*"
               r"((facebook|twitter|x|whatsapp|email|e-mail|linkedin|telegram|reddit|copy link|"
               r"print)\W*)*$", re.I),
    re.compile(r"^((facebook|twitter|x|whatsapp|email|e-mail|linkedin|telegram|reddit|"
               r"copy link|print)\W*){2,}$", re.I),
    re.compile(r"^\d{1,2}\s*min(ute)?s?\s+read$", re.I),
    # a photo's caption or credit: "Pictured: …", "Image caption: …", "Photograph: …"
    re.compile(r"^(pictured|in\s+pictures|(photo|image|picture)\s+caption|caption|photo|"
               r"photograph|picture|image|gallery|video|watch)\s*:", re.I),
    re.compile(r"^(home|menu)\b.*(\||\s{2,}|·)", re.I),  # a navigation bar
)  # fmt: skip
# The words newspapers, agencies and broadcasters are named with (general English, as the
# month names above): what tells a masthead from a section label.
_MASTHEAD_RE = re.compile(
    r"\b(?:news|post|times|courier|record|mercury|herald|gazette|journal|review|daily|tribune|"
    r"observer|chronicle|telegraph|press|express|standard|guardian|mail|star|echo|bulletin|"
    r"weekly|monitor|wire|argus|advertiser|examiner|sentinel|dispatch|register|inquirer|"
    r"messenger|globe|intellinews|radio|tv|television)\b",
    re.I,
)
# What kind of piece a headline says it is ("… – OpEd", "… | Analysis"): no publisher.
_GENRE_RE = re.compile(
    r"op-?ed|opinion|analysis|editorial|commentary|comment|feature|interview|explainer|"
    r"column|blog|letters?|review|news",
    re.I,
)
_NUMERIC_DATE_RE = re.compile(r"\b(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})\b")
_PIPE_PUBLISHER_RE = re.compile(r"^(?P<title>.{20,}?)\s+[|–—-]\s+(?P<publisher>[^|]{2,50})$")
_AUTHOR_LINE_RE = re.compile(r"^(reporter|author|written by|words)\s*:\s*(?P<author>.+)$", re.I)
_COURTESY_RE = re.compile(r"^courtesy:\s*(?P<publisher>.+?)\s*$", re.I)
_BYLINE_RE = re.compile(r"^by\s+(?P<author>.+?)\s*$", re.I)
_SLASH_PUBLISHER_RE = re.compile(r"^(?P<title>.+?)\s+/\s+(?P<publisher>[^/]{2,60})$")
_NAME_TOKEN_RE = re.compile(r"^[^\W\d_][\w.'’-]*$")
_PROFILE_RE = re.compile(r"^(?P<name>(?:[^\W\d_][\w.'’-]*\s+){1,4}?)Profile\b")


@dataclass(frozen=True)
class CleanText:
    """The article body and the metadata the page states."""

    text: str
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    date: str | None = None
    byline: str | None = None  # the line that names the author, as the page writes it


def _is_menu(line: str) -> bool:
    """A navigation bar: three or more short items between separators."""
    items = [i for i in re.split(r"\s*[|·•]\s*|\s{2,}", line) if i]
    return len(items) >= 4 and all(len(i.split()) <= 3 for i in items)


def is_furniture(line: str) -> bool:
    """Whether a line is page furniture rather than article text (any site)."""
    line = line.strip()
    return len(line) <= 300 and (any(p.search(line) for p in _FURNITURE_RES) or _is_menu(line))


def find_date(text: str) -> str | None:
    """The first calendar date written in ``text``, as ISO yyyy-mm-dd."""
    for pattern in (*_DATE_PATTERNS, _NUMERIC_DATE_RE):
        for match in pattern.finditer(text):
            month_text = match.group("month")
            month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
            try:
                return date(int(match.group("year")), month, int(match.group("day"))).isoformat()
            except ValueError:
                continue
    return None


def _words(line: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w'’-]*", line)


def _is_name_line(line: str) -> bool:
    """A bare person name such as 'Katarína Ďurďovičová' (2-5 capitalised words)."""
    tokens = line.split()
    return (
        2 <= len(tokens) <= 5
        and len(line) <= 60
        and all(_NAME_TOKEN_RE.match(t) and t[0].isupper() for t in tokens)
    )


def _is_title_case(line: str) -> bool:
    words = [w for w in _words(line) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= 0.6


def _is_body_paragraph(line: str) -> bool:
    """Prose: long enough, ends like a sentence, and is not a headline in title case."""
    return (
        len(line) >= 40
        and line.rstrip()[-1] in '.!?"”’)'
        and not _is_title_case(line)
        and not _BYLINE_RE.match(line)
    )


def _is_end_line(line: str) -> bool:
    low = line.lower().strip()
    return low in _END_LINES or low.startswith(_END_PREFIXES) or bool(_END_RE.match(low))


def _is_bio_start(lines: list[str], i: int) -> str | None:
    """The author's name when ``lines[i]`` opens an author-bio block, else None."""
    line = lines[i]
    profile = _PROFILE_RE.match(line)
    if profile and _is_name_line(profile.group("name").strip()):
        return profile.group("name").strip()
    if _is_name_line(line):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not following or following.startswith(line) or _is_end_line(following):
            return line
    return None


def _bio_block(lines: list[str], i: int) -> list[str]:
    """The author-bio block that opens at ``lines[i]``: its lines up to the next end marker,
    navigation or furniture line."""
    block = []
    for line in lines[i:]:
        if _is_end_line(line) or line.lower() in _NAV_LINES or is_furniture(line):
            break
        block.append(line)
    return block


def _courtesy_publisher(tail: list[str]) -> str | None:
    """The publisher named by a 'Courtesy: X' line in the tail."""
    for line in tail:
        courtesy = _COURTESY_RE.match(line)
        if courtesy:
            return courtesy.group("publisher")
    return None


def clean_article(raw: str) -> CleanText:
    """Split a scraped page into body text and metadata.

    Args:
        raw: the file's text as collected.

    Returns:
        The body paragraphs joined by blank lines, with title, publisher, author and date
        where the page states them.
    """
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in raw.split("\n")]
    lines = [line for line in lines if line]

    first_body = next((i for i, line in enumerate(lines) if _is_body_paragraph(line)), len(lines))
    header, rest = lines[:first_body], lines[first_body:]

    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    byline: str | None = None
    about_author: list[str] = []
    found_date: str | None = None

    # Header: title, byline, publisher, author line. Navigation before the title is dropped.
    candidates = [
        line for line in header if line.lower() not in _NAV_LINES and not is_furniture(line)
    ]
    # A masthead: the page's first line, short, naming a paper ("The Valley Record", "THE
    # ASHDALE POST"); a section label such as "Geopolitics Strategic Thinking" names none.
    masthead = candidates[0] if candidates else ""
    if _MASTHEAD_RE.search(masthead) and len(masthead.split()) <= 6 and not find_date(masthead):
        publisher = masthead.title() if masthead.isupper() else masthead
    for line in candidates:
        slash = _SLASH_PUBLISHER_RE.match(line)
        if slash and slash.group("title") in candidates:
            publisher = slash.group("publisher").strip()
    # The headline stands before the byline or date line; a standfirst may follow them.
    stop = next(
        (i for i, line in enumerate(candidates)
         if _BYLINE_RE.match(line) or _AUTHOR_LINE_RE.match(line) or find_date(line)),
        len(candidates),
    )  # fmt: skip
    titles = []
    for line in candidates[:stop] or candidates:
        if _BYLINE_RE.match(line) or _SLASH_PUBLISHER_RE.match(line) or find_date(line):
            continue
        if _AUTHOR_LINE_RE.match(line):
            continue
        piped = _PIPE_PUBLISHER_RE.match(line)
        if (
            piped
            and _is_title_case(piped.group("publisher"))
            and not _GENRE_RE.fullmatch(piped.group("publisher").strip())
        ):
            publisher = piped.group("publisher").strip()
            line = piped.group("title").strip()
        titles.append(line)
    if titles:
        # the headline: a line the page repeats, else the longest (section labels and
        # outlet names are short)
        repeated = [line for line in titles if titles.count(line) > 1]
        title = repeated[0] if repeated else max(titles, key=len)
    after_title = False
    for line in candidates:
        if line == title:
            after_title = True
            continue
        by = _BYLINE_RE.match(line)
        if by:
            found_date = found_date or find_date(line)
            who = re.split(r"\s+[|·•]\s+", by.group("author"))[0]
            for pattern in _DATE_PATTERNS:
                who = pattern.sub("", who)
            if not author and who.strip(" ,-–|"):
                author, byline = who.strip(" ,-–|"), line
        elif _AUTHOR_LINE_RE.match(line):
            if not author:
                author, byline = _AUTHOR_LINE_RE.match(line).group("author").strip(), line  # type: ignore[union-attr]
        elif after_title and _is_name_line(line) and not author:
            author, byline = line, line
        found_date = found_date or find_date(line)

    # Body and tail.
    body: list[str] = []
    for i, line in enumerate(rest):
        low = line.lower()
        if _is_end_line(line):
            publisher = publisher or _courtesy_publisher(rest[i:])
            for j in range(i, len(rest)):
                name = _is_bio_start(rest, j)
                if name and not author:
                    author, about_author = name, _bio_block(rest, j)
                    break
            break
        bio_author = _is_bio_start(rest, i) if body else None
        if bio_author:
            if not author:
                author, about_author = bio_author, _bio_block(rest, i)
            publisher = publisher or _courtesy_publisher(rest[i:])
            break
        if low in _NAV_LINES or is_furniture(line):
            continue
        body.append(line)

    # What the page says of its author is part of what it says: the byline line before the
    # body, or the author's bio after it, so that "who wrote it?" can cite the line. Neither
    # ends like a sentence but the bio's prose, so neither is quoted as an answer otherwise.
    if about_author:
        byline = about_author[0]
    lead = [byline] if byline and not about_author else []
    return CleanText(
        text="\n\n".join([*lead, *body, *about_author]),
        title=title,
        publisher=publisher,
        author=author,
        date=found_date,
        byline=byline,
    )
