"""A saved page's byline and outlet as people write them.

Pages give bylines with job titles, dates and credentials run into the names ("Tom Gillespie
News reporter", "Jeff Foust Monday; November", "Ilana Muhlstein; MS; RDN", "Phil Helsel is
a reporter"), and some give no site name but in the <title> ("The Space Review: Seeking a
bigger role for a big rocket", "... deals on Apple devices – BGR").
"""

from __future__ import annotations

import re
from html import unescape

# a word that starts a job title, a desk or a credit line: what follows it is no name
_JOB = re.compile(
    r"^(?:writer|editor|editors|reporter|reporters|correspondent|columnist|contributor|staff|"
    r"bureau|editorial|published|updated|wire|reports|producer|analyst|senior|chief|news|"
    r"associated|press|contributing|special|national|international|business|political|"
    r"technology|science|health|sports|auto|markets|ap|afp|reuters|by)$",
    re.I,
)
_DATE_WORD = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|"
    r"jul|aug|sep|sept|oct|nov|dec|\d[\d,:.]*)$",
    re.I,
)
_PARTICLE = re.compile(r"^(?:de|van|von|der|den|da|do|dos|das|du|del|della|di|la|le|bin|al)$")
_CREDENTIAL = re.compile(r"^[A-Z]{2,4}$")  # 'MS', 'RDN', 'CNN', 'AP': no person's name
# a desk, not a person: 'Staff Reports', 'Telegraph Sport', 'News Nation Bureau'
_DESK = re.compile(r"\b(?:staff|editorial|bureau|reports|wire|desk|team|sport|service)\b", re.I)
_AGENCY = re.compile(
    r"^(?:the )?(?:associated press|ap|reuters|afp|agence france-presse|pti|bloomberg|"
    r"press trust of india|dpa|ansa|efe|xinhua)$",
    re.I,
)


def clean_byline(author: str | None, publisher: str | None = None) -> str | None:
    """The people a byline names, comma-separated, or None when it names none ('Staff
    Reports', 'Editorial', 'News Nation Bureau')."""
    if not author or not author.strip():
        return None
    author = " ".join(author.split())
    if re.fullmatch(r"\w[\w'’.-]*", author) and not _DESK.search(author):
        return author  # a one-word byline is the page's own ('Regan')
    kept: list[str] = []
    agencies: list[str] = []
    outlet = " ".join((publisher or "").lower().split())
    for part in re.split(r"\s*[;|/]\s*|,\s+|\s+and\s+|\s+&\s+", author):
        if _AGENCY.fullmatch(part.strip()):
            agencies.append(re.sub(r"^the ", "", part.strip(), flags=re.I))
            continue
        if _DESK.search(part):
            continue
        name = _person_in(part)
        if name is None or _CREDENTIAL.fullmatch(name):
            continue
        low = name.lower()
        if outlet and (low.startswith(outlet) or outlet.startswith(low)):
            continue  # 'Business Insider' on a Business Insider page
        if any(_same_person(name, other) for other in kept):
            continue  # 'Troy Smith; Troy L Smith'
        kept.append(name)
    return ", ".join(kept or agencies) or None  # an agency when no person is named


def _person_in(part: str) -> str | None:
    """The name a byline part opens with: its words up to a job title, a date or a lower-case
    word ('Jeff Foust Monday' -> 'Jeff Foust'; 'Ap Auto Writer' -> None)."""
    part = re.sub(r"\s+(?:is|was)\s+(?:an?|the)\s.*$", "", part.strip())  # 'X is a reporter'
    part = re.sub(r"^by\s+", "", part, flags=re.I)
    words = part.split()
    if words and all(w.isupper() and len(w) > 2 for w in words if w.isalpha()):
        words = [w.capitalize() for w in words]  # 'ROBERT BURNS'
    name: list[str] = []
    for word in words:
        if _JOB.match(word) or _DATE_WORD.match(word):
            break
        if not (word[0].isupper() or _PARTICLE.match(word)):
            break
        name.append(word)
    while name and _PARTICLE.match(name[-1]):
        name.pop()
    capitalised = [w for w in name if w[0].isupper()]
    if len(name) == 1 and _CREDENTIAL.fullmatch(name[0]):
        return name[0]
    if not 2 <= len(capitalised) <= 4 or name[-1].lower() == "com":  # 'Cleveland com'
        return None
    return " ".join(name)


def _same_person(a: str, b: str) -> bool:
    """'Troy L Smith' and 'Troy Smith': the same first and last word."""
    x, y = a.split(), b.split()
    return x[0] == y[0] and x[-1] == y[-1]


_TITLE_TAG = re.compile(r"<title[^>]*>([^<]+)</title>", re.I)
_SEPARATOR = r"\s*(?:[|:–—]|\s-|::)\s*"
_OG_URL = re.compile(
    r"""<meta\s[^>]*property=["']og:url["'][^>]*content=["']([^"']+)["']"""
    r"""|<meta\s[^>]*content=["']([^"']+)["'][^>]*property=["']og:url["']""",
    re.I,
)


def site_in_title(html: str, headline: str) -> str | None:
    """The site's name beside the headline in the page's <title>: 'The Space Review: Seeking
    a bigger role ...' -> 'The Space Review'; '... on Apple devices – BGR' -> 'BGR'."""
    tag = _TITLE_TAG.search(html)
    head = " ".join(headline.split())
    if tag is None or not head:
        return None
    full = " ".join(unescape(tag.group(1)).split())
    found = None
    if full.startswith(head):
        found = re.match(_SEPARATOR + "(.+)$", full[len(head) :])
    if found is None and full.endswith(head):
        found = re.match("^(.+?)" + _SEPARATOR + "$", full[: -len(head)])
    if found is None or not 1 <= len(found.group(1).split()) <= 5:
        return None
    return found.group(1).strip()


def page_url(html: str) -> str | None:
    """The page's own address from its og:url tag."""
    found = _OG_URL.search(html)
    url = unescape(found.group(1) or found.group(2)).strip() if found else ""
    return url if url.startswith(("http://", "https://")) else None


def plausible_site(name: str | None) -> str | None:
    """A site name, not a copyright line ('Copyright 2014', '© 2019 ...')."""
    if not name or re.match(r"(?:copyright|©|\(c\)|all rights)", name.strip(), re.I):
        return None
    return name


_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_RUN_IN = re.compile(
    rf"^(?:by\s+(?:[A-Z][\w.'’-]*\s+){{1,4}}?)?(?:{_WEEKDAY},?\s+)?{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
    r"(?:\s*[-–,]?\s*\d{1,2}:\d{2}(?:\s*[AP]M)?)?\s+"
)


def without_run_in_header(text: str, title: str) -> str:
    """The text without the headline, byline and date a page's layout ran into its first
    line: 'Seeking a bigger role for a big rocket by Jeff Foust Monday, November 18, 2019
    Earlier this month, NASA ...' -> 'Earlier this month, NASA ...'."""
    head = " ".join(title.split())
    if not head or not text.startswith(head):
        return text
    rest = text[len(head) :].lstrip()
    found = _RUN_IN.match(rest)
    return rest[found.end() :] if found and rest[found.end() :].strip() else text
