"""Training and held-out examples from SQuAD v1.1 train, split by article.

Each question gives a positive (the sentence holding its answer, with the sentence before
it) and a hard negative (the sentence of the same paragraph that shares most words with the
question but does not hold the answer); some questions also get an easy negative, a
sentence of another article. Articles any eval set of the project uses are never read, and a
slice of the rest is held out, by article, for model selection and for reporting.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rag.core.text import split_sentences

SQUAD = Path(__file__).resolve().parents[3] / "shared" / "data" / "squad-v1.1-train.json.gz"
HELD_OUT_SHARE = 0.06  # of the usable articles, by a hash of the title: half dev, half test
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "and",
        "or",
        "is",
        "was",
        "were",
        "are",
        "be",
        "been",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "did",
        "does",
        "do",
        "that",
        "this",
        "as",
        "it",
        "its",
        "into",
        "than",
    ]
)


@dataclass(frozen=True)
class Example:
    question: str
    sentence: str
    before: str
    start: int = -1  # answer characters in `sentence`; -1 for a negative
    end: int = -1


@dataclass(frozen=True)
class Question:
    """A held-out question with its paragraph's sentences, for judging sentence choice."""

    id: str
    title: str
    question: str
    answers: list[str]
    sentences: list[str]
    answer_sentence: int


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def eval_articles(evals: Path) -> set[str]:
    """File names of every article an eval set of the project uses."""
    names: set[str] = set()
    for path in evals.rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("{"):
                names.update(json.loads(line).get("articles") or [])
    names.update(p.name for p in evals.rglob("articles/*") if p.is_file())
    return names


def split_of(title: str) -> str:
    """'train', 'dev' or 'test', fixed by the title's hash."""
    h = int(hashlib.sha256(title.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    if h < HELD_OUT_SHARE / 2:
        return "dev"
    return "test" if h < HELD_OUT_SHARE else "train"


def load_articles(evals: Path, path: Path = SQUAD) -> list[dict]:
    """SQuAD's articles minus those the project's eval sets use."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)["data"]
    used = eval_articles(evals)
    return [a for a in data if a.get("corpus_file") not in used and a["title"] + ".txt" not in used]


def _locate(context: str, answer: str, first: int, question: set[str], spans: list) -> int:
    """Where the answer is: of its occurrences, the one in the sentence nearest the question."""
    starts = [m.start() for m in re.finditer(re.escape(answer), context)] or [first]
    if len(starts) == 1:
        return starts[0]

    def overlap(at: int) -> int:
        for s in spans:
            if s.start <= at < s.end:
                return len(question & _words(context[s.start : s.end]))
        return 0

    return max(starts, key=lambda at: (overlap(at), -abs(at - first)))


def _question_items(article: dict) -> Iterator[tuple[str, str, list[str], list[str], int, int]]:
    """(id, question, answers, sentences, sentence index, answer start in it) per question."""
    for para in article["paragraphs"]:
        context = para["context"]
        spans = split_sentences(context)
        sents = [context[s.start : s.end] for s in spans]
        for qa in para["qas"]:
            ans = qa["answers"][0]
            q_words = _words(qa["question"])
            at = _locate(context, ans["text"], ans["answer_start"], q_words, spans)
            for i, s in enumerate(spans):
                if s.start <= at and at + len(ans["text"]) <= s.end:
                    yield (qa["id"], qa["question"], [a["text"] for a in qa["answers"]], sents,
                           i, at - s.start)  # fmt: skip
                    break


def examples(
    articles: list[dict], seed: int, easy_share: float, drop_before: float, after_share: float = 0.0
) -> list[Example]:
    """Positives, hard negatives and some easy negatives, in a seeded shuffled order. With
    `after_share`, that share of positives also gives the sentence after the answer's, read
    after it, as a negative: the answer in the sentence before is not this sentence's."""
    rng = random.Random(seed)
    pool = [s for a in articles for p in a["paragraphs"] for s in _sentences(p["context"])]
    out: list[Example] = []
    for article in articles:
        for _id, question, answers, sents, i, at in _question_items(article):
            answer = answers[0]

            def before(j: int, sents: list[str] = sents) -> str:
                return sents[j - 1] if j > 0 and rng.random() >= drop_before else ""

            out.append(Example(question, sents[i], before(i), at, at + len(answer)))
            q_words = _words(question)
            others = [j for j, s in enumerate(sents) if j != i and answer.lower() not in s.lower()]
            if others:
                j = max(others, key=lambda j: (len(q_words & _words(sents[j])), rng.random()))
                out.append(Example(question, sents[j], before(j)))
            if rng.random() < easy_share:
                out.append(Example(question, rng.choice(pool), ""))
            following = sents[i + 1] if i + 1 < len(sents) else ""
            unsaid = following and answer.lower() not in following.lower()
            if after_share and unsaid and rng.random() < after_share:
                out.append(Example(question, following, sents[i]))
    rng.shuffle(out)
    return out


def _sentences(context: str) -> list[str]:
    return [context[s.start : s.end] for s in split_sentences(context)]


def questions(articles: list[dict]) -> list[Question]:
    """Held-out questions with their paragraph's sentences."""
    return [
        Question(id_, a["title"], q, answers, sents, i)
        for a in articles
        for id_, q, answers, sents, i, _at in _question_items(a)
    ]
