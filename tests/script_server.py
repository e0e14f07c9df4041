"""An OpenAI-compatible chat server on loopback whose replies a test scripts.

`ScriptServer(reply)` serves POST /v1/chat/completions on 127.0.0.1 in a thread of the test
process; `reply(request)` gives each answer from the request's JSON body: a str (the
message content), a Reply (content, refusal or an HTTP error), and `requests` records every
body in order. The openai SDK reaches it over a real socket, as it reaches any server.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    content: str | None = None
    refusal: str | None = None
    status: int = 200
    error: str = ""


Script = Callable[[dict[str, Any]], "str | Reply"]


class ScriptServer:
    def __init__(self, reply: Script) -> None:
        self.reply = reply
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                got = server.reply(body)
                got = got if isinstance(got, Reply) else Reply(content=got)
                if got.status != 200:
                    payload = {"error": {"message": got.error, "type": "invalid_request_error"}}
                    return self._send(got.status, payload)
                message = {"role": "assistant", "content": got.content, "refusal": got.refusal}
                self._send(200, {
                    "id": "s", "object": "chat.completion", "created": 0, "model": body["model"],
                    "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
                })  # fmt: skip

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> ScriptServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def queue(*replies: str | Reply) -> Script:
    """Replies in order; the last one repeats."""
    left = list(replies)

    def reply(_: dict[str, Any]) -> str | Reply:
        return left.pop(0) if len(left) > 1 else left[0]

    return reply


def reading(answer: str, *quotes: tuple[int, str], not_in_articles: bool = False) -> str:
    """A reply of the reading path (rag.answer.reading.Reading) as JSON."""
    return json.dumps({
        "answer": answer,
        "quotes": [{"passage": n, "text": text} for n, text in quotes],
        "not_in_articles": not_in_articles,
    })  # fmt: skip


def prompt_of(request: dict[str, Any]) -> str:
    return str(request["messages"][0]["content"])


def question_of(request: dict[str, Any]) -> str:
    found = re.search(r"^Question: (.*)$", prompt_of(request), re.M)
    assert found, "no question in the prompt"
    return found.group(1)


def passages_of(request: dict[str, Any]) -> dict[int, str]:
    """The numbered passages of a reading-path prompt: {n: text}."""
    parts = re.split(r"^\[(\d+)\] ", prompt_of(request), flags=re.M)
    return {int(n): text for n, text in zip(parts[1::2], parts[2::2], strict=True)}
