"""A real OpenAI-compatible /v1/embeddings server for tests, backed by the local MiniLM model.

Run as `python tests/embed_server.py PORT`; the openai SDK talks to it over loopback."""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

from rag.embed import LocalEmbedder

app = FastAPI()
embedder = LocalEmbedder()


class EmbeddingRequest(BaseModel):
    model: str
    input: list[str] | str
    encoding_format: str | None = None


@app.post("/v1/embeddings")
def embeddings(request: EmbeddingRequest) -> dict:
    texts = [request.input] if isinstance(request.input, str) else request.input
    vectors = embedder.embed(texts)
    return {
        "object": "list",
        "model": request.model,
        "data": [
            {"object": "embedding", "index": i, "embedding": [float(x) for x in v]}
            for i, v in enumerate(vectors)
        ],
        "usage": {"prompt_tokens": 0, "total_tokens": 0},
    }


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
