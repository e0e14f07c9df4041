"""The reading path, for models that can read (ChatModel.reads_passages, RAG_LLM_READS): the
model gets the question, the earlier questions and the numbered passages, and replies with a
short answer and verbatim quotes, or says the passages do not answer. Code checks the reply
before anything is shown:

- each quote occurs in the passage it names (whitespace, quote marks and dashes aside), and
  not in text the injection guard withheld;
- every figure of the answer occurs in a quote with the same unit and currency, every name
  and date in one, every superlative ('largest', 'record') in one, no link the quotes lack;
- most of the answer's words are the quotes' or the question's, and the answer does not
  read as an instruction.

A reply that fails is re-asked once, naming what failed (rag.llm.structured, shared with
full briefs); a second failure leaves the answer to the default path, flagged."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from pydantic import BaseModel, Field

from rag.answer.checks import flat, says_abstain
from rag.answer.claims import claim_problems
from rag.answer.types import Answer, Citation, Quote
from rag.core.guard import redact
from rag.core.prompts import ABSTAIN, Prompt, load_prompt
from rag.core.text import MARKER
from rag.llm import ChatModel, Message
from rag.llm.structured import StructuredOutputError, structured


class Reading(BaseModel):
    """What the model replies on the reading path."""

    answer: str = Field(description="The short answer, in the passages' words.")
    quotes: list[Quote] = Field(
        default_factory=list, description="Words copied exactly from the numbered passages."
    )
    not_in_articles: bool = Field(
        False, description="True when the passages do not answer the question."
    )


ATTEMPTS = 2  # the reply, then one re-ask naming what failed
MAX_TOKENS = 400
FAILED = "model answer failed checks: "


def read_with_model(
    result: Answer,
    model: ChatModel,
    history: Sequence[str] = (),
    prompt: Prompt | None = None,
) -> str | None:
    """`result` answered from the model's checked reply (or abstained when the model says
    the passages do not answer); the flag saying why not when the reply failed its checks
    twice. Backend errors are raised as on every other path."""
    prompt = prompt or load_prompt("answer_read")
    shown = {c.n: _shown(c) for c in result.citations}
    original = {c.n: f"{c.title}\n{c.text}" for c in result.citations}
    earlier = "".join(f"Earlier question: {q}\n" for q in history[-3:])
    rendered = prompt.render(
        question=result.question,
        history=earlier + ("\n" if earlier else ""),
        passages="\n\n".join(f"[{n}] {text}" for n, text in shown.items()),
        abstain=ABSTAIN,
    )

    def check(reply: Reading) -> list[str]:
        return reply_problems(reply, shown, original, result.question)

    try:
        got = structured(
            model,
            [Message(role="user", content=rendered)],
            Reading,
            max_attempts=ATTEMPTS,
            max_tokens=MAX_TOKENS,
            check=check,
        )
    except StructuredOutputError as exc:
        return FAILED + "; ".join(exc.problems)
    reply = got.value
    result.usage = got.usage
    result.model_text = json.dumps(reply.model_dump(), ensure_ascii=False)
    if reply.not_in_articles or says_abstain(reply.answer):
        result.flags.append("the model found no answer in the passages")
        return None
    cited = sorted({q.passage for q in reply.quotes})
    result.text = _bare(reply.answer) + " " + "".join(f"[{n}]" for n in cited)
    result.cited = cited
    result.quotes = reply.quotes
    result.evidence, result.evidence_n = reply.quotes[0].text, reply.quotes[0].passage
    result.method, result.abstained = "read", False
    return None


def _shown(c: Citation) -> str:
    """A passage as the model sees it: its title and text, sentences addressed to an AI
    withheld."""
    return f"{redact(c.title)[0]} ({c.date or 'no date'})\n{redact(c.text)[0]}"


def reply_problems(
    reply: Reading, shown: dict[int, str], original: dict[int, str], question: str
) -> list[str]:
    """What is wrong with a reply, in words the model can act on; empty when nothing is."""
    answer = _bare(reply.answer)
    if reply.not_in_articles or says_abstain(answer):
        return []
    if not answer:
        return ["the answer is empty (set not_in_articles when the passages do not answer)"]
    if not reply.quotes:
        return ["no quote supports the answer: copy the words that say it from a passage"]
    problems = [
        p for i, q in enumerate(reply.quotes, 1) if (p := _quote_problem(i, q, shown, original))
    ]
    support = " ".join(q.text for q in reply.quotes)
    return problems + claim_problems(answer, support, question)


def _quote_problem(
    i: int, quote: Quote, shown: dict[int, str], original: dict[int, str]
) -> str | None:
    if quote.passage not in shown:
        return f"quote {i} names passage {quote.passage}, and there is no such passage"
    if not quote.text.strip():
        return f"quote {i} is empty"
    if _within(quote.text, shown[quote.passage]):
        return None
    if _within(quote.text, original[quote.passage]):
        return f"quote {i} copies text withheld as an instruction to an AI: answer the question"
    elsewhere = [n for n, text in shown.items() if _within(quote.text, text)]
    if elsewhere:
        return f"quote {i} is from passage {elsewhere[0]}, not passage {quote.passage}"
    return f"quote {i} is not in passage {quote.passage}: copy its words exactly"


def _bare(answer: str) -> str:
    return MARKER.sub("", answer).strip()


def _within(quote: str, passage: str) -> bool:
    """The quote is in the passage; a quote that skips words with an ellipsis, each part in
    order."""
    text = flat(passage)
    at = 0
    for part in re.split(r"\.\.\.|…", quote):
        bit = flat(part).strip(" .,")
        if not bit:
            continue
        found = re.compile(rf"(?<!\S){re.escape(bit)}(?=[\s.,'\"]|$)").search(text, at)
        if found is None:
            return False
        at = found.end()
    return at > 0
