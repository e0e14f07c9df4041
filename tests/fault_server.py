"""An OpenAI-compatible chat server on loopback that misbehaves on purpose.

The first path segment picks the fault: /<fault>/v1/chat/completions, where fault is one of
ok, 429once, 500, slow, malformed, notjson, streamcut, parallel (slowish, counts requests
in flight; POST /inflight reads and resets the count), drip (the body a byte every 0.2 s),
echokey and echokey401 (an error body that repeats the request's Authorization header, as
some proxies do), badbytes (a body that is not UTF-8), badjson (JSON content type, body not
JSON). Run: python fault_server.py PORT
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPLY = "8.1% [1]"
calls: dict[str, int] = {}
inflight = {"now": 0, "max": 0}  # for the "parallel" fault: how many requests overlapped
lock = threading.Lock()


def completion(content: str) -> bytes:
    return json.dumps(
        {
            "id": "x", "object": "chat.completion", "created": 0, "model": "fault",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
        }
    ).encode()  # fmt: skip


def chunk(content: str) -> bytes:
    data = {
        "id": "x", "object": "chat.completion.chunk", "created": 0, "model": "fault",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }  # fmt: skip
    return f"data: {json.dumps(data)}\n\n".encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_: object) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        fault = self.path.strip("/").split("/", 1)[0]
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        calls[fault] = calls.get(fault, 0) + 1
        if fault == "count":  # how many calls each fault got so far
            return self._send(200, json.dumps(calls).encode())
        if fault == "inflight":  # the most "parallel" requests at once so far; then reset
            with lock:
                seen, inflight["max"] = inflight["max"], 0
            return self._send(200, json.dumps({"max": seen}).encode())
        if fault == "parallel":
            with lock:
                inflight["now"] += 1
                inflight["max"] = max(inflight["max"], inflight["now"])
            time.sleep(0.4)
            with lock:
                inflight["now"] -= 1
        if fault == "429once" and calls[fault] % 2 == 1:
            return self._send(429, b'{"error": {"message": "slow down"}}', {"Retry-After": "0"})
        if fault == "429once" and "response_format" in request:  # the reading path's reply
            reply = {"answer": "", "quotes": [], "not_in_articles": True}
            return self._send(200, completion(json.dumps(reply)))
        if fault == "500":
            return self._send(500, b'{"error": {"message": "boom"}}')
        if fault == "slow":
            time.sleep(3)
        if fault in ("echokey", "echokey401"):
            auth = self.headers.get("Authorization", "")
            body = json.dumps({"error": {"message": f"bad request from key {auth}"}}).encode()
            return self._send(401 if fault == "echokey401" else 500, body)
        if fault == "badbytes":
            return self._send(200, b'{"id": "\xff\xfe\xfa broken')
        if fault == "badjson":
            return self._send(200, b"{not json at all")
        if fault == "drip":
            body = completion(REPLY)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) * 100))
            self.end_headers()
            try:
                for _ in range(len(body) * 100):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
            self.close_connection = True
            return
        if fault == "notjson":
            return self._send(200, b"<html>proxy error</html>", {"Content-Type": "text/html"})
        if fault == "malformed":
            return self._send(200, completion('{"company": "Alibaba", "percent": '))
        if request.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", "100000")  # promise more than will come
            self.end_headers()
            self.wfile.write(chunk("8.1") + chunk("% "))
            self.wfile.flush()
            if fault == "streamcut":
                self.connection.shutdown(socket.SHUT_RDWR)  # cut mid-way
                self.close_connection = True
                return
            self.wfile.write(chunk("[1]") + b"data: [DONE]\n\n")
            self.close_connection = True
            return
        self._send(200, completion(REPLY))


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
