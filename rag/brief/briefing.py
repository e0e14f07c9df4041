"""Running briefs for users: which articles, the cache, and Markdown output.

Briefs are cached in <data_dir>/briefs/ under a key made of the article's content hash (its
id), the model, the drafting mode, the prompt version and the schema version: a re-run with
the same inputs is a file read; changing any of them regenerates.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rag.answer.conflicts import Copies, against_copies, sentences_of
from rag.brief import SCHEMA_VERSION, Brief, Mode, make_brief
from rag.brief.schema import CHECKS_VERSION, Difference
from rag.core.errors import InputError, RagError
from rag.core.prompts import load_prompt
from rag.core.types import Article
from rag.index.catalog import Catalog
from rag.ingest.loaders import LoadFailure, load_path
from rag.llm import ChatModel


def resolve_mode(mode: Mode, model: ChatModel) -> Mode:
    if mode != "auto":
        return mode
    return "full" if model.drafts_briefs else "guided"


class BriefCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key(self, article: Article, model_name: str, mode: Mode) -> str:
        prompt = load_prompt("brief" if mode == "guided" else "brief_full")
        # the checks' version too: briefs checked by older rules are made again
        parts = [article.id, model_name, mode, prompt.version, SCHEMA_VERSION, CHECKS_VERSION]
        if mode == "full":  # the map prompt shapes long articles
            parts.append(load_prompt("brief_map").version)
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]

    def get(self, key: str) -> Brief | None:
        path = self.folder / f"{key}.json"
        try:
            return Brief.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValidationError, ValueError):
            return None  # missing or unreadable: regenerate

    def put(self, key: str, brief: Brief) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(brief.model_dump_json(indent=1), encoding="utf-8")
        tmp.replace(self.folder / f"{key}.json")  # atomic: a crash never leaves half a brief


def cached_brief(
    article: Article, model: ChatModel, cache: BriefCache, mode: Mode = "auto", force: bool = False
) -> Brief:
    """The cached brief for these inputs, or a new one (then cached)."""
    chosen = resolve_mode(mode, model)
    key = cache.key(article, model.name, chosen)
    found = None if force else cache.get(key)
    if found is not None:
        return found
    made = make_brief(article, model, mode=chosen)
    cache.put(key, made)
    return made


def brief_many(
    articles: list[Article],
    model: ChatModel,
    cache: BriefCache,
    mode: Mode = "auto",
    force: bool = False,
    workers: int = 1,
) -> Iterator[tuple[Article, Brief | RagError]]:
    """Each article with its brief, or the error that stopped it, in the given order.

    With workers > 1 that many briefs are drafted at once (for a server that takes parallel
    requests); the embedded model runs one at a time."""

    def one(article: Article) -> Brief | RagError:
        try:
            return cached_brief(article, model, cache, mode, force)
        except RagError as exc:
            return exc

    if workers <= 1 or len(articles) < 2:
        for article in articles:
            yield article, one(article)
        return
    with ThreadPoolExecutor(min(workers, len(articles)), thread_name_prefix="rag-brief") as pool:
        yield from zip(articles, pool.map(one, articles), strict=True)


def find_articles(targets: list[str], catalog: Catalog | None) -> Iterator[Article | LoadFailure]:
    """Each target is an indexed article id (or unique prefix) or a file to read directly."""
    for target in targets:
        path = Path(target)
        if path.is_file():
            yield from load_path(path)
            continue
        article = catalog.article(target) if catalog is not None else None
        if article is not None:
            yield article
        elif path.exists():
            yield LoadFailure(target, "is a folder: pass files, or use --all for the index")
        else:
            yield LoadFailure(
                target,
                "is neither a file nor an indexed article id: see `rag articles`",
            )


def open_catalog(data_dir: Path, collection: str, database_url: str | None = None) -> Any:
    """The index's catalog, to find articles by id (None when there is no index): the SQLite
    file in the data dir, or the shared one on PostgreSQL."""
    from rag.core.errors import IndexMissingError
    from rag.index.store import catalog_path

    if database_url is not None:
        from rag.index.pgcatalog import PgCatalog

        try:
            return PgCatalog(database_url, collection, create=False)
        except IndexMissingError:
            return None
    path = catalog_path(data_dir, collection)
    return Catalog(path) if path.exists() else None


def all_articles(catalog: Catalog | None) -> list[Article]:
    if catalog is None:
        raise InputError("no index to brief: run `rag ingest seeds/` first, or pass files")
    found = [catalog.article(info.id) for info in catalog.articles()]
    return [a for a in found if a is not None]


def with_differences(brief: Brief, article: Article, copies: Copies | None) -> Brief:
    """The brief with the figures the other indexed copies of its story give otherwise."""
    if copies is None:
        return brief
    return brief.model_copy(update={"differs_from": story_differences(article, copies)})


def story_differences(article: Article, copies: Copies) -> list[Difference]:
    """Figures of `article` that another indexed copy of its story gives otherwise."""
    mine = sentences_of(article.text, article.id, article.date)
    return [
        Difference(
            value=c.here.label, quote=c.said_here.text, other_value=c.there.label,
            other_quote=c.said_there.text, other_article_id=c.said_there.article_id,
            other_title=title, other_date=c.said_there.date,
        )
        for c, title in against_copies(mine, article.id, copies)
    ]  # fmt: skip


def to_markdown(brief: Brief) -> str:
    """A brief for reading: gist, summary, points with quotes, moves, figures, checks."""
    lines = [f"# {brief.title}", ""]
    where = brief.outlet or Path(brief.source.split("#", 1)[0]).name
    byline = [f"by {brief.author}"] if brief.author else []
    meta = [where, *byline, brief.date or "no date", f"id {brief.article_id}"]
    lines += [f"*{' · '.join(meta)}*", "", f"**{brief.one_line}**", "", brief.summary, ""]
    lines += ["## Key points", ""]
    for kp in brief.key_points:
        lines.append(f"- {kp.point}")
        if kp.quote.strip() != kp.point.strip():
            lines.append(f"  > {kp.quote}")
    if brief.market_moves:
        lines += ["", "## Market moves", "", "| who | ticker | move | when | kind |"]
        lines.append("|---|---|---|---|---|")
        for m in brief.market_moves:
            kind = "reported" if m.kind == "reported" else "quote box (session not stated)"
            lines.append(
                f"| {m.who} | {m.ticker or ''} | {m.move_pct:+g}% | {m.when or ''} | {kind} |"
            )
    if brief.figures:
        lines += ["", "## Figures", ""]
        lines += [f"- **{f.value}**: {f.measures}" for f in brief.figures]
    if brief.entities:
        lines += ["", "## Entities", ""]
        lines += [
            f"- {e.name} ({e.role or e.kind}{', ' + e.ticker if e.ticker else ''})"
            for e in brief.entities
        ]
    lines += ["", f"**Sentiment:** {brief.sentiment.label} — {brief.sentiment.reason}"]
    if brief.what_to_watch:
        lines += ["", "## What to watch", ""]
        lines += [f"- {item}" for item in brief.what_to_watch]
    if brief.differs_from:
        lines += ["", "## Differs from", ""]
        for d in brief.differs_from:
            lines.append(
                f"- **{d.value}** here, **{d.other_value}** in “{d.other_title}” "
                f"({d.other_date or 'no date'}, {d.other_article_id})"
            )
            lines += [f"  > here: {d.quote}", f"  > there: {d.other_quote}"]
    lines += ["", "## Checks", ""]
    if brief.checks:
        lines += [f"- {c.field}: {c.action} — {c.detail}" for c in brief.checks]
    else:
        lines.append("- every quote and number was found in the article")
    lines += ["", f"*{brief.model}, {brief.mode} draft, prompt v{brief.prompt_version}*", ""]
    return "\n".join(lines)


def brief_json(brief: Brief, lines: bool = False) -> str:
    """The brief as JSON: indented for a file, on one line for JSON-lines output."""
    data = brief.model_dump(mode="json")
    if lines:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(data, ensure_ascii=False, indent=1)
