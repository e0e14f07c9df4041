"""The learned reader's answer: it reads the best-ranked sentences of the passages and gives
the span that answers, or says that none does.

The reader (rag/reader/) was trained here on SQuAD v1.1 train; its answers-here probability
decides abstention, with the threshold set on the dev splits (evals/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rag.answer.checks import context_of, missing_specific
from rag.answer.choose import Candidate
from rag.answer.clauses import clause_span
from rag.answer.grounds import asked_at, only_asked, only_said
from rag.answer.spans import TITLE, names, quantities
from rag.answer.types import Answer
from rag.core.config import Settings
from rag.reader.model import SentenceReader

READ_TOP = 16  # sentences read per question, best by the lexical and dense score first
MIN_HERE = 0.7  # set on the dev splits: the threshold of most correct answers (evals/README.md)
# Under this, the reader answers only from the sentence the hand-written rules would also
# answer from: set on the dev splits, where agreement caught more wrong answers than a higher
# threshold did (evals/README.md, "The reader and the rules agreeing").
SURE_HERE = 0.8
_TRIM = " \t\n,;:.\"'“”‘’()[]"


@dataclass(frozen=True)
class AnswerReader:
    """A reader and the answers-here probability below which the answer abstains."""

    reader: SentenceReader
    threshold: float = MIN_HERE
    sure: float = SURE_HERE


def reader_for(settings: Settings) -> AnswerReader:
    """The shipped reader with the settings' threshold and sure check."""
    from rag.reader.model import shipped_reader

    return AnswerReader(shipped_reader(), settings.reader_threshold, settings.reader_sure)


def read_answer(
    result: Answer,
    ranked: list[Candidate],
    reader: AnswerReader,
    rules_choice: Callable[[], Candidate | None] | None = None,
    asked: str | None = None,
) -> str | None:
    """Set the reader's answer on `result`; why there is none, or None. Under `reader.sure`
    the answer stands only where `rules_choice` (asked then; None: no second opinion) gives
    the same sentence. `asked`: the question the reader reads, when not the query searched."""
    pool = ranked[:READ_TOP]  # titles too: a headline may be the only place a figure is said
    if not pool:
        return "no sentence to read"
    question = asked or result.query
    # a day or figure the question names must be said in the sentence or just before it:
    # 'on Friday' is not answered by 'jumped 7% on Thursday'
    missing = [missing_specific(question, context_of(c, result.citations)) for c in pool]
    if all(missing):
        return missing[0]
    pool = [c for c, why in zip(pool, missing, strict=True) if why is None]
    # Each sentence is read alone: given the sentence before it, the reader sometimes took
    # that sentence's answer for the next one's ('Trading was calm.' for the forecast the
    # sentence before gave); alone, dev lost ~2 answers per set and the red-team kept 67/67.
    readings = reader.reader.read(question, [("", c.text) for c in pool])
    best = max(range(len(pool)), key=lambda i: readings[i].here)
    reading, cand = readings[best], pool[best]
    result.reader_score = round(reading.here, 4)
    if reading.here < reader.threshold:
        return (
            f"the reader finds no sentence that answers ({reading.here:.2f} < {reader.threshold})"
        )
    if rules_choice is not None and reading.here < reader.sure:
        other = rules_choice()
        if other is None or other.text.strip() != cand.text.strip():
            return (
                f"the reader is unsure ({reading.here:.2f} < {reader.sure}) and the answer "
                "rules chose another sentence"
            )
    start, end = reading.start, reading.end
    start, end = clause_span(question, cand.text, start, end, reader.reader) or (start, end)
    end = with_title(question, cand.text, end)
    span = _trimmed(cand.text, *whole_figure(cand.text, start, end))
    if not span:
        return "the reader's span is empty"
    if (who := _WHO_IS.match(question)) and _another_person(span, who["name"]):
        return f"the reader names another person ({span}), not who {who['name']} is"
    # '... questions include if X engaged in self-dealing', 'were charged with falsifying records'
    alleged = only_asked(question, cand.text) == "alleged"
    if alleged or asked_at(cand.text, start, end):
        return only_said("alleged" if alleged else "asked", cand.text)
    result.text = f"{span} [{cand.n}]"
    result.cited = [cand.n]
    result.evidence, result.evidence_n = cand.text, cand.n
    result.method, result.abstained = "reader", False
    return None


# 'Who is Keith Gambill?': a name alone, not 'Who is Tencent's CEO?' or 'Who is Evanston
# named after?'
_WHO_IS = re.compile(
    r"^\s*[Ww]ho\s+(?:is|was)\s+(?P<name>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3})\s*\?*\s*$"
)


def with_title(question: str, sentence: str, end: int) -> int:
    """Where the span ends when 'Who is X?' is answered by what stands before X's title and
    name: 'Indiana State Teachers Association' is 'Indiana State Teachers Association
    President' before 'Keith Gambill'."""
    m = _WHO_IS.match(question)
    if not m:
        return end
    asked = set(m["name"].split())
    words = list(re.finditer(r"[^\s,;:]+", sentence[end:]))
    titles = 0
    while titles < len(words) and TITLE.fullmatch(words[titles].group()):
        titles += 1
    named = any(w.group().removesuffix("'s") in asked for w in words[titles : titles + 2])
    return end + words[titles - 1].end() if titles and named else end


def _another_person(span: str, asked: str) -> bool:
    """The span is a person's name, not the asked one's: 'Who is Marc Benioff?' is not 'Tim
    Cook' of 'CEO Tim Cook said ... with Salesforce founder and co-CEO Marc Benioff'."""
    skip = {w.lower() for w in re.findall(r"[\w'’-]+", asked)}
    found = names(span, skip)
    return len(found) == 1 and found[0].text == span


def whole_figure(sentence: str, start: int, end: int) -> tuple[int, int]:
    """A figure's span as the article writes it: the reader may leave out its sign, per cent
    sign, currency, unit or range ('1.71' of '(BABA -1.71%)', '13.3 billion' of '13.3 billion
    reais', '50 billion' of '$40-50 billion'), and a figure without them says another thing.
    The figures are the answer rules' own (rag.answer.spans.quantities)."""
    for figure in quantities(sentence):
        if figure.start < end and start < figure.end and not _YEARS.fullmatch(figure.text):
            opens = _FIGURE_OPENS.search(figure.text)  # its hedge ('about', 'some') aside
            start = min(start, figure.start + (opens.start() if opens else 0))
            end = max(end, figure.end)
    if sentence[end - 1 : end].isdigit() and (clock := _CLOCK_AFTER.match(sentence, end)):
        end = clock.end()  # '4:30' of 'left about 4:30 a.m. for the rally'
    return start, end


_FIGURE_OPENS = re.compile(r"[-−+$€£¥\d]")
_YEARS = re.compile(r"(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?")  # a date, not a figure
_CLOCK_AFTER = re.compile(r"\s?(?:[ap]\.m\.|[ap]m\b|[AP]M\b)")


def _trimmed(sentence: str, start: int, end: int) -> str:
    """The span without the punctuation and brackets around it ('(BABA' -> 'BABA')."""
    span = sentence[start:end].strip(_TRIM)
    return f"{span}." if re.search(r"\b[ap]\.m$", span) else span  # '4:30 a.m.'
