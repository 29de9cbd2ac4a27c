"""A deterministic synthetic news corpus for the benchmarks, grown from the five real articles.

``make_corpus(n, out_dir, seed)`` writes ``n`` article files: the five real articles of
``corpus/`` unchanged, then ``n - 5`` synthetic ones. Every synthetic article

* is 600-1,200 words (drawn uniformly per article), in paragraphs of 3-6 sentences;
* mixes sentences of the real articles (about 60 %), each perturbed, with sentences built
  from templates and a filler vocabulary (about 40 %);
* perturbs entities consistently within the article: each known person, place, partner
  country and publisher of the real corpus is swapped for one of a pool (or, one time in
  three, kept, as real news repeats real names), numbers are rescaled, years shifted and
  "Month day" dates redrawn;
* is laid out like a scraped page, so that cleaning does real work: a headline (sometimes
  repeated, sometimes under a section label), a ``Headline / Publisher`` line, a byline
  (``By Name Month d, yyyy`` or a bare name), the body, and a tail ("The Latest" teasers,
  a comment form, a photo credit or an author bio) that cleaning must drop.

The same ``(n, seed)`` always gives byte-identical files; a larger ``n`` extends a smaller
one (article ``i`` depends only on ``seed`` and ``i``).

    python benchmarks/make_corpus.py --n 1000 --out /tmp/corpus-1000 [--seed 20250117]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REAL_CORPUS = REPO / "corpus"
DEFAULT_SEED = 20250117

# -- entity pools ----------------------------------------------------------------------------

# Full names in the real articles -> the surname they are also called by.
REAL_PEOPLE_JP = {
    "Osamu Izawa": "Izawa",
    "Masahiro Mikami": "Mikami",
    "Fumio Kishida": "Kishida",
    "Shigeru Ishiba": "Ishiba",
    "Yoshimasa Hayashi": "Hayashi",
    "Gen Nakatani": "Nakatani",
    "Yoko Kamikawa": "Kamikawa",
    "Takeshi Iwaya": "Iwaya",
}
REAL_PEOPLE_WEST = {
    "Mark Rutte": "Rutte",
    "Jens Stoltenberg": "Stoltenberg",
    "Mao Ning": "Mao",
}
POOL_JP = [
    "Haruki Tanabe", "Kenji Morimoto", "Aiko Shimizu", "Daisuke Fujita", "Naoko Ishikawa",
    "Hiroshi Kondo", "Emi Sakurai", "Takuya Nishimura", "Yuki Matsuda", "Satoshi Arai",
    "Mariko Hoshino", "Ryo Takeda", "Keiko Uchida", "Shinji Okabe", "Tomoko Hirano",
    "Kazuo Yamaguchi", "Sayuri Endo", "Makoto Kubo", "Noriko Sugiyama", "Tetsuya Hamada",
]  # fmt: skip
POOL_WEST = [
    "Anna Lindqvist", "Pieter de Vries", "Tomas Novak", "Claire Dubois", "Marek Zielinski",
    "Sofia Marques", "Henrik Aalto", "Giulia Romano", "Lukas Becker", "Ingrid Solberg",
    "Andrius Kazlauskas", "Eleanor Hughes", "Mateusz Wrona", "Katrin Vogel", "Jonas Peeters",
]  # fmt: skip
REAL_PLACES = ["Tokyo", "Brussels", "Vilnius", "Washington", "Lithuania", "Wiesbaden", "Madrid"]
POOL_PLACES = [
    "Tokyo", "Brussels", "Vilnius", "Washington", "The Hague", "Osaka", "Canberra", "Seoul",
    "Warsaw", "Riga", "Helsinki", "Stockholm", "Berlin", "Paris", "Rome", "Ottawa", "Manila",
]  # fmt: skip
REAL_PARTNERS = ["South Korea", "Australia", "New Zealand", "Germany", "Belgium"]
POOL_PARTNERS = [
    "South Korea", "Australia", "New Zealand", "Germany", "Belgium", "the Philippines",
    "Canada", "France", "the United Kingdom", "Poland", "Italy", "Finland", "Sweden",
]  # fmt: skip
PUBLISHERS = [
    "bno IntelliNews", "Eurasia Review", "Strategic Thinking", "Pacific Ledger",
    "The Atlantic Desk", "Indo-Pacific Monitor", "Northern Security Review", "Asia Policy Wire",
    "Defence Brief", "The Diplomat Weekly", "Global Affairs Daily", "Kanto Evening Post",
]  # fmt: skip
SECTIONS = ["Geopolitics", "Defence", "World", "Asia", "Security", "Analysis", "Opinion"]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip

# -- filler vocabulary and templates ---------------------------------------------------------

TOPICS = [
    "maritime surveillance arrangement", "cyber defence dialogue", "supply-chain review",
    "joint exercise schedule", "space situational awareness project", "defence industrial "
    "cooperation", "liaison office plan", "intelligence-sharing framework", "disinformation "
    "task force", "logistics agreement", "ammunition production pact", "undersea cable "
    "protection plan", "export-control regime", "missile defence study", "partnership programme",
]  # fmt: skip
INSTITUTES = [
    "Sasakawa Peace Foundation", "Japan Institute of International Affairs", "Carnegie "
    "Endowment", "International Institute for Strategic Studies", "Lowy Institute", "Center "
    "for Strategic and International Studies", "Royal United Services Institute", "Stimson "
    "Center", "National Institute for Defense Studies", "European Council on Foreign Relations",
]  # fmt: skip
ROLES = [
    "senior fellow", "research director", "former diplomat", "security analyst", "professor",
    "retired admiral", "policy adviser", "visiting scholar", "programme lead",
]  # fmt: skip
VERBS = [
    "reshape", "accelerate", "complicate", "strengthen", "delay", "redefine", "underpin",
    "test", "broaden", "stabilise",
]  # fmt: skip
OBJECTS = [
    "procurement timelines", "alliance planning", "regional deterrence", "budget debates",
    "diplomatic outreach", "coastal defences", "industrial capacity", "crisis communication",
    "training exchanges", "technology transfers", "shipbuilding orders", "air patrols",
]  # fmt: skip
ADJECTIVES = [
    "cautious", "ambitious", "incremental", "unprecedented", "pragmatic", "contested",
    "long-awaited", "modest", "sweeping", "symbolic",
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
THREATS = ["Russia", "China", "North Korea"]

TEMPLATES = [
    "{person}, a {role} at the {institute}, said the {topic} would {verb} {object} over the "
    "next {small} years.",
    "Officials in {place} declined to comment on the {topic} on {weekday}.",
    "The {institute} estimates that {pct} per cent of {object} will depend on the {topic} by "
    "{year}.",
    "According to {person}, the {adj} {topic} reflects concern in {place} about {threat}.",
    "Diplomats described the talks in {place} as {adj}, noting that {object} remained a "
    "sticking point.",
    "A spokesperson for the ministry in {place} said {count} experts had been assigned to the "
    "{topic}.",
    "Critics argue that the {topic} could {verb} {object} without a clear mandate from "
    "parliament.",
    "The {adj} plan, first floated in {month} {year}, has since drawn interest from {partner}.",
    "{partner} and Japan held a {adj} round of consultations on {object} in {place} last "
    "{weekday}.",
    "Budget documents show spending on {object} rising to {money} billion yen in the coming "
    "fiscal year.",
    "{person} told reporters in {place} that {threat} had stepped up activity near Japanese "
    "waters.",
    "The {topic} is expected to be reviewed at a ministerial meeting on {month} {day}.",
    "Analysts at the {institute} cautioned that the {topic} alone would not {verb} "
    "{object}.",
    "Polls published in {month} suggested that {pct} per cent of respondents backed closer "
    "ties with the alliance.",
    "In {place}, {count} delegates attended a {adj} workshop on {object} and the {topic}.",
    "{person} said the {topic} was {adj} but necessary given pressure from {threat}.",
    "The agreement covers {object}, {object2} and a {adj} {topic}.",
    "Observers in {partner} said the move could {verb} {object} across the region.",
]  # fmt: skip

HEADLINES = [
    "Japan and NATO Expand {Topic} as Tensions With {threat} Rise",
    "{place} Talks Put {Topic} at the Centre of Japan's NATO Agenda",
    "Why Tokyo's {Topic} Matters for the Alliance",
    "Japan Weighs {Adj} {Topic} With NATO Partners",
    "NATO Envoy in {place} Signals {Adj} Shift on {Topic}",
    "Japan, {partner} Discuss {Topic} Ahead of Alliance Summit",
    "Tokyo Bets on {Topic} to Counter {threat}",
]  # fmt: skip
TEASERS = [
    "Regional partners watch alliance summit closely",
    "Defence ministers meet as budget talks stall",
    "New patrol schedule announced for northern waters",
    "Cyber agencies sign information-sharing memorandum",
]  # fmt: skip

_SENTENCE_RE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z])")
_NUMBER_RE = re.compile(r"(?<![\w-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w-])")
_DATE_RE = re.compile(rf"\b({'|'.join(MONTHS)}) (\d{{1,2}})\b")
_TAIL_MARKERS = (
    "the latest", "leave a reply", "photo credit", "features", "back to top", "dismiss",
    "your email address", "related",
)  # fmt: skip


def real_files(corpus_dir: Path = REAL_CORPUS) -> list[Path]:
    """The real articles, sorted."""
    return sorted(p for p in corpus_dir.iterdir() if p.suffix in {".txt", ".md"})


def real_sentences(corpus_dir: Path = REAL_CORPUS) -> list[list[str]]:
    """Body sentences of each real article (long prose lines only, page chrome left out)."""
    out: list[list[str]] = []
    for path in real_files(corpus_dir):
        sentences: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.lower().startswith(_TAIL_MARKERS):
                break
            if len(line.split()) < 15 or line[-1:] not in '.!?"”’':
                continue
            sentences.extend(s for s in _SENTENCE_RE.split(line) if len(s.split()) >= 6)
        out.append(sentences)
    return out


def _title_case(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] if len(w) > 3 else w for w in text.split())


class _Article:
    """One synthetic article's consistent choices of entities, dates and numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.swap: dict[str, str] = {}
        for real_map, pool in ((REAL_PEOPLE_JP, POOL_JP), (REAL_PEOPLE_WEST, POOL_WEST)):
            choices = rng.sample(pool, len(real_map))
            for (full, surname), new in zip(real_map.items(), choices, strict=True):
                if rng.random() < 1 / 3:
                    continue  # kept: real names recur in real news
                self.swap[full] = new
                self.swap[surname] = new.split()[-1]
        for real, pool in ((REAL_PLACES, POOL_PLACES), (REAL_PARTNERS, POOL_PARTNERS)):
            for name in real:
                if rng.random() >= 1 / 3:
                    self.swap[name] = rng.choice(pool)
        self.year_shift = rng.randint(-3, 2)
        names = sorted(self.swap, key=len, reverse=True)
        self._swap_re = (
            re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b") if names else None
        )
        self.people = [*rng.sample(POOL_JP, 3), *rng.sample(POOL_WEST, 2)]
        self.places = rng.sample(POOL_PLACES, 3)
        self.topic = rng.choice(TOPICS)
        self.partner = rng.choice(POOL_PARTNERS)
        self.threat = rng.choice(THREATS)

    def _number(self, match: re.Match[str]) -> str:
        raw = match.group(1)
        value = float(raw.replace(",", ""))
        if raw.isdigit() and 1900 <= value <= 2030:
            return str(int(value) + self.year_shift)
        if value == 0:
            return raw
        new = value * self.rng.uniform(0.5, 1.8)
        if "." in raw:
            return f"{new:.{len(raw.split('.')[1])}f}"
        if "," in raw:
            return f"{round(new):,}"
        return str(max(1, round(new)))

    def _date(self, match: re.Match[str]) -> str:
        return f"{self.rng.choice(MONTHS)} {self.rng.randint(1, 28)}"

    def perturb(self, sentence: str) -> str:
        """A real sentence with this article's entities, dates and numbers."""
        if self._swap_re is not None:
            sentence = self._swap_re.sub(lambda m: self.swap[m.group(1)], sentence)
        sentence = _DATE_RE.sub(self._date, sentence)
        return _NUMBER_RE.sub(self._number, sentence)

    def filler(self) -> str:
        """One sentence from a template and the filler vocabulary."""
        rng = self.rng
        objects = rng.sample(OBJECTS, 2)
        return rng.choice(TEMPLATES).format(
            person=rng.choice(self.people), role=rng.choice(ROLES),
            institute=rng.choice(INSTITUTES), topic=rng.choice([self.topic, *rng.sample(TOPICS, 2)]),
            verb=rng.choice(VERBS), object=objects[0], object2=objects[1],
            small=rng.randint(2, 10), place=rng.choice(self.places), weekday=rng.choice(WEEKDAYS),
            pct=rng.randint(12, 78), year=rng.randint(2019, 2026), adj=rng.choice(ADJECTIVES),
            threat=rng.choice([self.threat, *THREATS]), count=rng.randint(3, 250),
            partner=self.partner, month=rng.choice(MONTHS), day=rng.randint(1, 28),
            money=rng.randint(12, 980),
        )  # fmt: skip


def synthetic_article(
    index: int, pool: list[list[str]], seed: int = DEFAULT_SEED
) -> tuple[str, str]:
    """(file stem, text) of synthetic article ``index``; depends only on ``seed`` and ``index``."""
    rng = random.Random(f"{seed}:{index}")
    art = _Article(rng)
    primary = rng.randrange(len(pool))
    target_words = rng.randint(600, 1200)

    paragraphs: list[str] = []
    used: set[str] = set()
    words = 0
    while words < target_words:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            source = pool[primary] if rng.random() < 0.6 else rng.choice(pool)
            fresh = [s for s in source if s not in used]
            if fresh and rng.random() < 0.6:
                real = rng.choice(fresh)
                used.add(real)
                sentences.append(art.perturb(real))
            else:
                sentences.append(art.filler())
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        words += len(paragraph.split())

    headline = rng.choice(HEADLINES).format(
        Topic=_title_case(art.topic), Adj=_title_case(rng.choice(ADJECTIVES)),
        threat=art.threat, place=art.places[0], partner=_title_case(art.partner),
    )  # fmt: skip
    publisher = rng.choice(PUBLISHERS)
    author = rng.choice([*POOL_JP, *POOL_WEST])
    when = f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2022, 2025)}"

    layout = rng.randrange(3)
    if layout == 0:  # repeated headline, "Headline / Publisher", "By Name Date"
        header = [headline, "", headline, f"{headline} / {publisher}", f"By {author} {when}"]
    elif layout == 1:  # section label, headline, bare author name
        header = [f"{rng.choice(SECTIONS)} {publisher}", "", headline, "", author]
    else:  # headline and byline only
        header = [headline, "", f"By {author} | {when}"]

    tail_kind = rng.randrange(4)
    if tail_kind == 0:
        tail = ["The Latest", "", rng.choice(TEASERS), "", art.filler()[:120] + "…"]
    elif tail_kind == 1:
        tail = [
            "Leave a Reply", "",
            "Your email address will not be published. Required fields are marked *",
        ]  # fmt: skip
    elif tail_kind == 2:
        tail = [f"Photo credit: {publisher}"]
    else:
        tail = [
            author, "",
            f"{author} is a {rng.choice(ROLES)} at the {rng.choice(INSTITUTES)}.",
            "", "Back To Top",
        ]  # fmt: skip

    text = "\n".join(header) + "\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n".join(tail) + "\n"
    slug = re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-")[:60]
    return f"synthetic-{index:05d}-{slug}", text


def make_corpus(n: int, out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write ``n`` articles (the real ones first) to ``out_dir``; return their paths.

    Args:
        n: the number of articles, at least 1; the first ``min(n, 5)`` are the real ones.
        out_dir: created when missing; existing files of the same names are overwritten.
        seed: the generator's seed.

    Returns:
        The paths written, in order.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for src in real_files()[:n]:
        dest = out_dir / src.name
        shutil.copyfile(src, dest)
        paths.append(dest)
    pool = real_sentences()
    for index in range(1, n - len(paths) + 1):
        stem, text = synthetic_article(index, pool, seed)
        dest = out_dir / f"{stem}.txt"
        dest.write_text(text, encoding="utf-8")
        paths.append(dest)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of articles (real ones first)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    paths = make_corpus(args.n, args.out, args.seed)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    print(f"wrote {len(paths)} articles ({words:,} words) to {args.out}")


if __name__ == "__main__":
    main()
