"""A real OpenAI-compatible /v1/embeddings server for tests, backed by the local MiniLM model.

Run as `python tests/embed_server.py PORT`; the openai SDK talks to it over loopback."""

from __future__ import annotations

import sys
import threading
import time

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

from rag.index.embed import LocalEmbedder

app = FastAPI()
embedder = LocalEmbedder()
# Requests in flight at once, so tests can see that a client bounds its parallelism.
_lock = threading.Lock()
_inflight = {"now": 0, "max": 0}


class EmbeddingRequest(BaseModel):
    model: str
    input: list[str] | str
    encoding_format: str | None = None


@app.post("/v1/embeddings")
def embeddings(request: EmbeddingRequest) -> dict:
    texts = [request.input] if isinstance(request.input, str) else request.input
    with _lock:
        _inflight["now"] += 1
        _inflight["max"] = max(_inflight["max"], _inflight["now"])
    try:
        if request.model == "slow":  # long enough for parallel requests to overlap
            time.sleep(0.3)
        with _lock:
            vectors = embedder.embed(texts)
    finally:
        with _lock:
            _inflight["now"] -= 1
    return {
        "object": "list",
        "model": request.model,
        "data": [
            {"object": "embedding", "index": i, "embedding": [float(x) for x in v]}
            for i, v in enumerate(vectors)
        ],
        "usage": {"prompt_tokens": 0, "total_tokens": 0},
    }


@app.post("/stats/reset")
def reset_stats() -> dict:
    with _lock:
        seen = dict(_inflight)
        _inflight["max"] = 0
    return seen


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
