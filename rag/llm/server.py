"""`rag serve-llm`: the embedded model behind llama-cpp-python's OpenAI-compatible server."""

from __future__ import annotations

import os

from rag.llm.local import model_file, quiet_stderr, register_plain_format


def serve(model: str, host: str = "127.0.0.1", port: int = 8080, n_ctx: int = 2048,
          n_threads: int | None = None) -> None:  # fmt: skip
    """Blocks serving /v1/chat/completions (and /v1/completions) until interrupted.

    The model is loaded once and shared by every client process. Gemma (a base model) is
    served with the same "rag-plain" prompt format the in-process backend uses, so answers
    through the server match answers in-process.
    """
    import uvicorn
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    register_plain_format()
    path, chat_format = model_file(model)
    settings = ModelSettings(
        model=str(path),
        model_alias=model,
        chat_format=chat_format,
        n_ctx=n_ctx,
        n_threads=n_threads or os.cpu_count() or 2,
        verbose=False,
    )
    with quiet_stderr():
        app = create_app(
            server_settings=ServerSettings(host=host, port=port),
            model_settings=[settings],
        )
    uvicorn.run(app, host=host, port=port, log_level="warning")
