"""The answer stage: a question, the passages retrieval gives, the sentence and phrase that
answer it, and the checks that stand between them and the user.

`pipeline` runs it; `choose` scores sentences; `kinds` and `phrases` read what the question
asks for and take it from a sentence; `checks` vet the result; `spans`, `when` and
`conflicts` read figures, dates and disagreeing sources.
"""

from rag.answer.pipeline import answer_question, dated_query, standalone_query
from rag.answer.types import Answer, Citation, Timings

__all__ = ["Answer", "Citation", "Timings", "answer_question", "dated_query", "standalone_query"]
