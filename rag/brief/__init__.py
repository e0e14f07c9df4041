"""The brief stage: a structured, checked brief of one article.

`schema` says what a brief is; `draft` writes it (the model, or code from ranked
`sentences`); `entities` and `extract` read names, moves and figures by code; `verify`
checks every quote and figure against the article; `briefing` runs briefs for users (which
articles, the cache, Markdown).
"""

from rag.brief.draft import make_brief
from rag.brief.schema import SCHEMA_VERSION, Brief, Mode

__all__ = ["SCHEMA_VERSION", "Brief", "Mode", "make_brief"]
