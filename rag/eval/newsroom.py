"""The newsroom suite of `rag eval` (issue 19), on evals/newsroom/: stories (near-duplicate
grouping), time filters and figures that disagree, each scored against its gold.

- stories: pairs of articles grouped right / pairs grouped, and / pairs planted;
- time: for each question, the articles its time expression leaves against the gold's (a
  question that must not filter leaves them all); precision and recall pooled over articles;
- conflicts: planted conflicts said with all their figures / planted (recall), and answers
  saying 'Sources differ' rightly / all that say it (precision); the same for the figure pairs
  under a brief's "Differs from".
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from rag.answer.read import AnswerReader
from rag.core.config import Settings
from rag.eval.gold import GoldNews, load_news_gold
from rag.eval.results import ItemResult

Tick = Callable[[str, int], None]


def newsroom_items(
    folder: Path,
    embedder: Any,
    model: Any,
    settings: Settings,
    tick: Tick,
    index: Callable[[Path, Any, Any, Settings], None],
    k: int,
    reader: AnswerReader,
) -> list[ItemResult]:
    """Every newsroom item, on a fresh index of `folder`/articles (`index` fills it); `k`
    passages per question."""
    from rag.index.retrieve import Retriever
    from rag.index.store import scratch_store

    gold = load_news_gold(folder / "gold.jsonl")
    tick("newsroom", len(gold) + 1)
    with (
        scratch_store(
            "rag-newsroom-",
            settings.collection,
            embedder.name,
            settings.chroma_url,
            settings.database_url,
        ) as store,
    ):
        index(folder / "articles", store, embedder, settings)
        names = {a.id: Path(a.source).name for a in store.articles()}
        items = [_stories(folder, store, names)]
        tick("newsroom", 0)
        retriever = Retriever(store, embedder, per_article=settings.per_article)
        for g in gold:
            if g.type == "time":
                items.append(_time(g, store, names))
            elif g.type == "conflict" and model is not None:
                items.append(_conflict(g, retriever, model, k, reader))
            elif g.type == "brief":
                items.append(_brief_differences(g, store, names))
            tick("newsroom", 0)
    return items


def _stories(folder: Path, store: Any, names: dict[str, str]) -> ItemResult:
    planted = json.loads((folder / "stories.json").read_text(encoding="utf-8"))["stories"]
    story = {names[a.id]: a.story or a.id for a in store.articles()}
    gold = {frozenset(p) for g in planted for p in itertools.combinations(sorted(g), 2)}
    grouped = {
        frozenset(p) for p in itertools.combinations(sorted(story), 2) if story[p[0]] == story[p[1]]
    }
    hits = len(gold & grouped)
    return ItemResult(
        suite="newsroom", id="stories", type="stories", inputs={"articles": sorted(story)},
        outputs={"stories": _groups(story), "missed": _pairs(gold - grouped),
                 "false": _pairs(grouped - gold)},
        scores={
            "group_precision": hits / len(grouped) if grouped else 1.0,
            "group_recall": hits / len(gold) if gold else 1.0,
        },
        units={"group_precision": [hits, len(grouped)], "group_recall": [hits, len(gold)]},
    )  # fmt: skip


def _time(g: GoldNews, store: Any, names: dict[str, str]) -> ItemResult:
    from rag.answer import dated_query

    assert g.question is not None
    as_of = date.fromisoformat(g.as_of) if g.as_of else None
    filters, _, scope = dated_query(g.question, store, None, as_of)
    everything = set(names.values())
    if filters is None:
        left = everything
    else:
        left = {names[i] for i in store.filter_articles(**filters.restriction())}
    wanted = set(g.articles) if g.articles is not None else everything
    hits = len(left & wanted)
    return ItemResult(
        suite="newsroom", id=g.id, type="time",
        inputs={"question": g.question, "as_of": g.as_of, "expected": sorted(wanted)},
        outputs={"scope": scope.describe() if scope else None, "articles": sorted(left)},
        scores={"time_precision": hits / len(left) if left else 1.0,
                "time_recall": hits / len(wanted) if wanted else 1.0},
        units={"time_precision": [hits, len(left)], "time_recall": [hits, len(wanted)]},
    )  # fmt: skip


def _conflict(g: GoldNews, retriever: Any, model: Any, k: int, reader: AnswerReader) -> ItemResult:
    from rag.answer import answer_question

    assert g.question is not None
    answer = answer_question(g.question, retriever=retriever, model=model, k=k, reader=reader)
    said = answer.differs or ""
    planted = bool(g.values)
    caught = planted and all(v in said for v in g.values if isinstance(v, str))
    scores: dict[str, float] = {}
    units: dict[str, list[float]] = {}
    if planted:
        scores["conflict_recall"] = float(caught)
        units["conflict_recall"] = [float(caught), 1.0]
    if said:
        scores["conflict_precision"] = float(caught)
        units["conflict_precision"] = [float(caught), 1.0]
    return ItemResult(
        suite="newsroom", id=g.id, type="conflict",
        inputs={"question": g.question, "expected": g.values},
        outputs={"answer": answer.text, "differs": answer.differs, "flags": answer.flags},
        scores=scores, units=units,
    )  # fmt: skip


def _brief_differences(g: GoldNews, store: Any, names: dict[str, str]) -> ItemResult:
    from rag.brief.briefing import story_differences

    assert g.article is not None
    ids = {name: i for i, name in names.items()}
    article = store.article(ids[g.article])
    found = story_differences(article, store) if article is not None else []
    listed = {(d.value, d.other_value) for d in found}
    wanted = {(pair[0], pair[1]) for pair in g.values if isinstance(pair, list)}
    hits = len(listed & wanted)
    scores, units = {}, {}
    if wanted:
        scores["brief_conflict_recall"] = hits / len(wanted)
        units["brief_conflict_recall"] = [float(hits), float(len(wanted))]
    if listed:
        scores["brief_conflict_precision"] = len(listed & wanted) / len(listed)
        units["brief_conflict_precision"] = [float(hits), float(len(listed))]
    return ItemResult(
        suite="newsroom", id=g.id, type="brief",
        inputs={"article": g.article, "expected": sorted(wanted)},
        outputs={"differs_from": sorted(listed)}, scores=scores, units=units,
    )  # fmt: skip


def _groups(story: dict[str, str]) -> list[list[str]]:
    by_story: dict[str, list[str]] = {}
    for name, s in sorted(story.items()):
        by_story.setdefault(s, []).append(name)
    return [names for names in by_story.values() if len(names) > 1]


def _pairs(pairs: set[frozenset[str]]) -> list[list[str]]:
    return sorted(sorted(p) for p in pairs)
