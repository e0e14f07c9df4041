"""rag: local-first question answering, briefs and evals over news articles."""

__version__ = "0.1.0"
