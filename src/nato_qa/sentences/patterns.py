"""What values look like in a sentence, in general English (no corpus's words): numbers and
counts, sums of money, shares, points and spans of time, frequencies, ages, years, posts,
places after a word of place, and capitalised words mid-sentence."""

from __future__ import annotations

import re

MONEY = re.compile(
    r"[$€£¥]\s?\d|\b(USD|JPY|EUR|GBP)\s?\d|\b\d[\d,.]*\s*(million|billion|trillion|yen|"
    r"dollars?|euros?|pounds?)\b",
    re.I,
)

PERCENT = re.compile(
    r"\d[\d,.]*\s*(%|per ?cent\b)|\bpercent\b"
    # a share written as a fraction: "half of its normal capacity", "two-thirds of the staff"
    r"|\b(?:half|(?:a|one|two)[- ]thirds?|(?:a|one|three)[- ]quarters?|a (?:fifth|tenth))\s+of\b",
    re.I,
)

MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"

DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"

YEAR_DIGITS = r"(?:1[89]|20)\d\d"  # a year, as news writes one

# A word, with its apostrophes and hyphens: "Japan’s", "non-NATO", "double-skinned"
WORD = re.compile(r"[\w’'-]+")

# A list of three or more things: "crisis management, cybersecurity, maritime surveillance,
# and joint defense ventures"
LIST = re.compile(r"(?:\b[\w’'-]+(?:\s+[\w’'-]+){0,3},\s+){2,}(?:and|or)\s+\w")

# A word capitalised mid-sentence (after a word or a comma): a name, or a day or a month.
_AFTER_A_WORD = r"(?<=[\w,;:’'] )"

MID_CAPITAL = re.compile(rf"{_AFTER_A_WORD}[A-Z][\w’'-]+")

# One that is not a day or a month (those are times, not names).
PROPER = re.compile(rf"{_AFTER_A_WORD}(?!(?i:{MONTHS}|{DAYS})\b)[A-Z][\w’'-]+")

UNITS = r"(?:second|minute|hour|day|night|week|fortnight|month|year|decade|century|centurie)s?"

# A count, for "how many": a cardinal number that is not part of a date ("January 16",
# "16 January", a year), not an ordinal ("first", "3rd"), a time of day ("5.30am"), a sum
# ("£600,000"), a percentage or a duration ("fifteen years": "how many years" is asked as a
# duration), nor "many" or "several"; nor the number of a model's designation ("F-35 fighters").
_NOT_AFTER_A_MONTH = "".join(f"(?<!{m} )" for m in MONTHS.split("|"))
# Digits that are no year, read whole ("18,000", not its "000")
_DIGITS = rf"(?!{YEAR_DIGITS}s?\b)\d[\d,.]*(?![\d.,]*\d)"
# What after digits makes them an ordinal or a time of day ("3rd", "5.30am")
_ORDINAL_OR_CLOCK = r"st|nd|rd|th|am|pm|a\.m\.|p\.m\."
# Digits that are no day of a date written before its month ("13 May", "16 of January")
_NOT_BEFORE_A_MONTH = rf"(?!\s+(?:of\s+)?(?:{MONTHS})\b)"

COUNT = re.compile(
    rf"(?:{_NOT_AFTER_A_MONTH}(?<![\w.,£$€¥])(?<![A-Za-z]-){_DIGITS}"
    rf"(?!\s*(?:{_ORDINAL_OR_CLOCK}|%|per ?cent)(?!\w)){_NOT_BEFORE_A_MONTH}"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    rf"thirty|forty|fifty|hundreds?|thousands?|millions?|billions?|dozens?)\b)(?![\s-]+{UNITS}\b)",
    re.I,
)

# A number in words
_NUMBER_WORDS = (
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|hundred|thousand|million|billion|trillion|dozen|several|many|few|first|second|"
    r"third|fourth|fifth|single|sole)\b"
)

# An amount, for "how much liquid …", "how big …": a number (a sum and a share too), not a
# time of day ("5.30am"), a date's day ("13 May", "May 13") or a year: those tell when.
AMOUNT = re.compile(
    rf"{_NOT_AFTER_A_MONTH}(?<![\w.,]){_DIGITS}(?!\s*(?:{_ORDINAL_OR_CLOCK})(?!\w))"
    rf"{_NOT_BEFORE_A_MONTH}|{_NUMBER_WORDS}",
    re.I,
)

# A unit of measure: "18,000 litres" measures an amount, it does not count things
MEASURE_UNITS = (
    r"(?:(?:kilo|centi|milli)?(?:litre|liter|metre|meter|gram)|tonne|ton|kg|km|mile|hectare|"
    r"acre|gallon|barrel|degree|foot|feet)s?"
)

# A count of things, for "how many fish …": a count that is not an amount in a unit of measure
COUNT_OF_THINGS = re.compile(rf"(?:{COUNT.pattern})(?![\s-]+{MEASURE_UNITS}\b)", re.I)

# A part of a whole counted, for "how many of the staff …": a count and "of" ("About 60 of
# the works' 140 staff", "40 members of the club"), not the whole's own count ("140 staff",
# "thousands of fish")
PART_COUNT = re.compile(
    rf"(?!(?:hundreds|thousands|millions|billions|dozens)\b)(?:{COUNT_OF_THINGS.pattern})"
    r"(?=(?:\s+[\w’'-]+){0,2}\s+of\b)",
    re.I,
)

# A point in time, for "when": a date (read whole: "January 16" tells more than a question's
# "in January 2025"), a day, a month, a year, a time of day, or a time told relative to
# another ("two days later", "since 2021", "last month", "by the end of the month"). Not a
# duration alone: "who has worked there for 11 years" does not say when the works opened;
# nor "before" or "after" alone: "denied the charge of failing to act after the leak" does
# not say when its trial is; nor "until further notice", which says no date is set.
TIME = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?:{MONTHS})\b(?:\s+\d{{1,2}}(?:st|nd|rd|th)?\b)?"
    rf"(?:,?\s+{YEAR_DIGITS}\b)?|\b(?:{DAYS})\b|\b{YEAR_DIGITS}s?\b|\b\d{{1,2}}(?:st|nd|rd|th)\b"
    r"|\b\d{1,2}(?:[.:]\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)"
    r"|\b(?:since|until|till|ago|recent(?:ly)?|today|tonight|tomorrow|yesterday|later|earlier|"
    r"previously|formerly|war)\b(?!\s+further\s+notice)"
    rf"|\b(?:last|next|this|that|past|coming|same|following|previous|early|late|mid)[\s-]+"
    rf"(?:{UNITS}|spring|summer|autumn|winter|morning|afternoon|evening)\b"
    # a point in a span: "by the end of the month", "at the start of next year"
    rf"|\b(?:end|start|beginning|middle|close|turn)\s+of\s+(?:the\s+|this\s+|next\s+|last\s+)?"
    rf"(?:{UNITS}|spring|summer|autumn|winter)\b",
    re.I,
)

DURATION = re.compile(
    rf"\b(?:\d[\d,.]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    rf"(?:thir|four|fif|six|seven|eigh|nine)teen|(?:twenty|thirty|forty|fifty)(?:-\w+)?|"
    rf"several|few|many|some)[\s-]+{UNITS}\b|\b(?:until|since|through|throughout)\b"
    # a span without a count: "the river will take years to come back"
    rf"|\b(?:take|takes|took|taking|taken)\s+(?:many\s+|several\s+)?{UNITS}\b",
    re.I,
)

# How often: "once a week", "twice a year", "every month", "daily", "three times". Read whole,
# so that "once a week" tells more than a question's "once the plant reopened".
FREQUENCY = re.compile(
    rf"\b(?:once|twice|thrice|(?:\w+\s+)?times)\s+(?:a|an|per|every|each)\s+(?:\w+\s+)?{UNITS}\b"
    rf"|\b(?:every|each)\s+(?:other\s+|\w+\s+)?{UNITS}\b"
    # "once" alone, not "once the road has reopened" (a time, not how often)
    r"|\bonce\b(?=\s*(?:[.,;:)]|$|(?:or|more|again|only|before)\b))"
    rf"|\b(?:twice|thrice|every|each|daily|weekly|monthly|yearly|annually|hourly|"
    rf"fortnightly|nightly)\b|\btimes\s+(?:a|an|per|each)\b|\bper\s+{UNITS}\b",
    re.I,
)

# A post someone holds.
TITLES = (
    r"ambassador|envoy|minister|secretary|director|chief|head|leader(?:ship)?|president|"
    r"chair(?:man|woman)?|commander|consul|spokes(?:man|woman|person)|representative|deputy|"
    r"adviser|advisor|governor|mayor|general|admiral|officer|diplomat|counsell?or|premier|"
    r"chancellor"
)

TITLE = re.compile(rf"\b({TITLES})s?\b", re.I)

# A year as news writes one; an age.
A_YEAR = re.compile(rf"\b{YEAR_DIGITS}\b")

# A month, for "in which month": its name as a name is written, capitalised ("may" is a verb).
A_MONTH = re.compile(r"\b(?:" + "|".join(m.capitalize() for m in MONTHS.split("|")) + r")\b")

AN_AGE = re.compile(r"\b\d+[\s-]years?[\s-]old\b|\baged\s+\d+|\bage\s+(?:of\s+)?\d+", re.I)

# A place, for "where was it held": a name after a word of place ("in St Anne's Hall", "into
# Fenwick Brook", "at Weir Bridge"), not any name ("handed a petition to the TCA officers")
LOCATED = re.compile(
    r"(?i:\b(?:in|at|into|inside|near|outside|from|on|across|along|between|beside|within|off|"
    r"around|through|towards?|via|above|below|beyond|opposite|based\s+in|headquartered\s+in)"
    rf"\s+(?:the\s+)?)(?!(?i:{MONTHS}|{DAYS})\b)[A-Z][\w’'-]+|\b[A-Z][\w’'-]+-based\b"
)
