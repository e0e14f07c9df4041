"""A name's kind from the words around it, where its own words and the lists show none:
'the 2020 Sentra', 'Arrowhead bottled water' (products), 'An Indian start-up based out of
Delhi-NCR, Oxy Pure' (a company), 'Chelsea have this morning paid' (a team: British English
gives a team a plural verb); a place by the words before it ('in', 'from'). rag.brief.names
asks kind_by_usage last, before it calls a name other."""

from __future__ import annotations

import re

from rag.brief.gazetteer import cities

_PLACE_CUE = re.compile(r"\b(?:in|from|across|near|outside|inside)\s+$")


def placed(name: str, text: str) -> bool:
    """Named after 'in', 'from', 'across' ... each time, and never as one who acts."""
    uses = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b(?![-\w])", text)]
    cued = [at for at in uses if _PLACE_CUE.search(text[max(0, at - 12) : at])]
    acts = re.search(rf"\b{re.escape(name)}(?:['’]s)?\s+(?:said|says|shares|stock|CEO)\b", text)
    return bool(uses) and len(cued) * 2 >= len(uses) and not acts


def city(name: str, text: str) -> bool:
    """A large city, once named as a place is: 'in Hangzhou' ('Buffalo beat Detroit' names
    teams; 'New York' holds 'York')."""
    if name not in cities():
        return False
    uses = (m.start() for m in re.finditer(rf"\b{re.escape(name)}\b(?![-\w])", text))
    return any(_PLACE_CUE.search(text[max(0, at - 12) : at]) for at in uses)


# what a product is called after its name: 'Sentra compact sedan', 'Arrowhead bottled water'
_PRODUCT_NOUNS = (
    r"sedan|hatchback|SUV|pickup|truck|coupe|convertible|phone|smartphone|laptop|notebook|"
    r"tablet|speaker|headphones|earbuds|console|controller|charger|camera|drone|smartwatch|"
    r"platform|app|software|chip|processor|water|drink|beer|collection|lamp|chandelier"
)
_NEW = r"(?:new|all-new|redesigned|updated|latest|(?:19|20)\d\d)"
_COMPANY_BEFORE = r"(?:start-?up|company|firm|maker|retailer|brand)"


def kind_by_usage(name: str, text: str) -> str | None:
    """'product', 'company' or 'organisation' when the words around the name say so."""
    escaped = re.escape(name)
    made = rf"\b(?:the|a|an|The|A|An)\s+{_NEW}\s+(?:[a-z]+\s+)?{escaped}\b"
    called = rf"\b{escaped}\s+(?:[a-z]+\s+)?(?:{_PRODUCT_NOUNS})s?\b"
    if re.search(made, text) or re.search(called, text):
        return "product"
    if re.search(rf"\b{_COMPANY_BEFORE}\b[^.]{{0,40}},\s+{escaped}\b", text, re.I):
        return "company"
    if " " not in name and re.search(rf"(?:^|[.!?]\s+){escaped}\s+(?:have|are|were)\b", text):
        return "organisation"
    return None
