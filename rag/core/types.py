"""Data types shared across the package."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, Field


class Article(BaseModel):
    """One cleaned article; `text` is what chunk offsets point into."""

    id: str = Field(description="Stable id: the first 16 hex digits of sha256(text).")
    title: str = Field(description="Record title, or the article's first line.")
    date: str | None = Field(None, description="Publication date, ISO yyyy-mm-dd, when known.")
    time: str | None = Field(
        None,
        description="Publication time of day, 'HH:MM' with the zone when the source gives "
        "one ('14:05+00:00', '10:32 ET'), when the record, page or dateline states it.",
    )
    source: str = Field(description="Where it came from: a file path, path#record or a URL.")
    url: str | None = Field(None, description="URL given by the record, if any.")
    publisher: str | None = Field(
        None, description="The record's 'source' field, or a web page's site name, if any."
    )
    author: str | None = Field(None, description="The byline, when the record or page gives one.")
    text: str = Field(description="Cleaned article text.")
    word_count: int = Field(description="Words in the cleaned text.")
    invisible_chars: int = Field(
        0,
        description="Characters removed at load that hide or reorder text (Unicode tag "
        "characters, bidi overrides and isolates); soft hyphens and joiners are not counted.",
    )


class Chunk(BaseModel):
    """A token-counted, sentence-aligned slice of an article."""

    id: str = Field(description="'<article id>:<index>', stable across re-ingests.")
    article_id: str
    index: int = Field(description="Position of the chunk within its article, from 0.")
    start: int = Field(description="Char offset of the chunk in the cleaned article text.")
    end: int = Field(description="Char offset one past the chunk's last character.")
    text: str
    tokens: int = Field(description="tiktoken count (sum over the chunk's sentences).")


class Hit(BaseModel):
    """A retrieved chunk with what a citation needs."""

    chunk_id: str
    article_id: str
    title: str
    date: str | None = None
    source: str
    text: str
    start: int
    end: int
    score: float = Field(description="Higher is better; meaning depends on the mode.")
    story: str | None = Field(None, description="The article's story (near-duplicates share it).")
    publisher: str | None = Field(None, description="The site or outlet, as the page names it.")
    url: str | None = Field(None, description="The article's address, when known.")
    dense_rank: int | None = Field(None, description="1-based rank in dense results, if any.")
    lexical_rank: int | None = Field(None, description="1-based rank in lexical results, if any.")


class ArticleInfo(BaseModel):
    """What `rag articles` lists."""

    id: str
    title: str
    date: str | None = Field(description="Publication date; null: the article is undated.")
    time: str | None = None
    source: str
    word_count: int
    chunks: int
    story: str | None = Field(
        None, description="The story it belongs to: the id of its first indexed copy."
    )
    copies: int = Field(1, description="Indexed articles in that story (this one included).")
    url: str | None = None
    publisher: str | None = None
    author: str | None = None

    @property
    def outlet(self) -> str | None:
        return outlet_of(self.publisher, self.url)


def outlet_of(publisher: str | None, url: str | None) -> str | None:
    """How people name where an article ran: the site's own name, else its web address
    without 'www.' ('reuters.com'); None when neither is known (a plain file)."""
    if publisher and publisher.strip():
        return " ".join(publisher.split())
    if url:
        host = urlsplit(url).hostname or ""
        return host.removeprefix("www.") or None
    return None
