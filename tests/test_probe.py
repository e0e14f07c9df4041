"""A probe of bad inputs and command-line misuse: each gets one clear line and a non-zero exit,
never a traceback, and a bad file never stops the rest of its batch."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rag.cli.main import main

GOOD = "Alibaba shares rallied 8.1% on Tuesday after Nvidia said it would ship H20 chips again.\n"

# name -> (file name, content): each is ingested beside one good article
BAD_FILES: dict[str, tuple[str, bytes]] = {
    "empty": ("empty.txt", b""),
    "blank": ("blank.txt", b"   \n\n\t  \n"),
    "binary": ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
    "latin-1": ("latin.txt", "Caf\xe9 prices rose 3% on Monday in Paris.".encode("latin-1")),
    "nul bytes": ("nul.txt", b"Shares\x00 rose\x00 3%.\x00"),
    "utf-16": ("utf16.txt", "Shares rose 3% on Monday.".encode("utf-16")),
    "deep json array": ("deep.json", b"[" * 100_000 + b"]" * 100_000),
    "deep json object": ("deepobj.json", b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
    "deep jsonl line": ("deep.jsonl", b"[" * 5_000 + b"]" * 5_000 + b"\n"),
    "lone surrogate": (
        "sur.json",
        b'{"title": "T\\ud800", "body": "Body \\udc00 text long enough."}',
    ),
    "json number": ("number.json", b"42"),
    "json string": ("string.json", b'"just a string"'),
    "json list of numbers": ("numbers.json", b"[1, 2, 3]"),
    "json null": ("null.json", b"null"),
    "json without body": ("nobody.json", b'{"title": "No body here"}'),
    "json body object": ("bodyobj.json", b'{"title": "T", "body": {"text": "nested"}}'),
    "json body numbers": ("bodyints.json", b'{"title": "T", "body": [1, 2, 3]}'),
    "json odd fields": (
        "odd.json",
        b'{"title": 7, "body": "Shares rose 3% on Monday.", "date": "not a date", "url": 5}',
    ),
    "json truncated": ("trunc.json", b'{"title": "T", "body": "unterminated'),
    "jsonl bad line": ("mixed.jsonl", b'{"title": "A", "body": "Shares rose 3%."}\n{oops\n'),
    "jsonl blank lines": ("blank.jsonl", b"\n\n\n"),
    "html script only": ("script.html", b"<html><script>alert(1)</script></html>"),
    "html empty": ("empty.html", b"<html></html>"),
    "html junk": ("junk.html", b"<<<>>><!--<p>\xff\xfe"),
    "unclosed front matter": ("front.md", b"---\ntitle: T\nno end of front matter\n"),
    "huge title line": ("title.txt", b"A" * 5_000 + b"\nBody text that is an article.\n"),
    "pdf": ("paper.pdf", b"%PDF-1.4 binary"),
    "no suffix": ("README", b"just text"),
    "huge article": ("huge.txt", b"word " * 500_000),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_gets_one_line_and_the_good_one_is_ingested(name, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    filename, content = BAD_FILES[name]
    (folder / filename).write_bytes(content)
    code = main(["ingest", str(folder), "--json"])
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    report = json.loads(out.out)
    assert report["new"] >= 1  # the good article went in
    # a file that failed makes the exit code 1 (an odd one read as an article does not)
    assert code == (1 if report["failed"] else 0)
    for line in out.err.splitlines():
        assert len(line) < 400, line  # one readable line each


MISUSE: dict[str, list[str]] = {
    "ask empty": ["ask", ""],
    "ask whitespace": ["ask", "   "],
    "ask 100k chars": ["ask", "x" * 100_000],
    "ask -k 0": ["ask", "q?", "-k", "0"],
    "ask -k -1": ["ask", "q?", "-k", "-1"],
    "ask -k huge": ["ask", "q?", "-k", "1000000000"],
    "ask -k text": ["ask", "q?", "-k", "many"],
    "ask bad since": ["ask", "q?", "--since", "yesterday"],
    "ask surrogate": ["ask", "caf\udce9?"],
    "search empty": ["search", ""],
    "search -k 0": ["search", "q", "-k", "0"],
    "search bad mode": ["search", "q", "--mode", "bogus"],
    "chat -k 50": ["chat", "-k", "50"],
    "brief nothing": ["brief"],
    "brief bad format": ["brief", "--all", "--format", "pdf"],
    "eval bad suite": ["eval", "--suite", "nope"],
    "eval limit -1": ["eval", "--limit", "-1"],
    "eval missing gold": ["eval", "--suite", "qa", "--qa-gold", "missing.jsonl"],
    "eval compare missing": ["eval", "--compare", "nope-a", "nope-b"],
    "ingest nothing": ["ingest"],
    "ingest missing path": ["ingest", "does-not-exist"],
    "unknown command": ["frobnicate"],
}


@pytest.mark.parametrize("name", sorted(MISUSE))
def test_command_line_misuse_is_one_clear_line(name, capsys):
    code = main(MISUSE[name])
    out = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in out.err + out.out
    assert out.err.strip(), "says what is wrong"


ON_NO_INDEX = {
    "ask": ["ask", "What rose?"],
    "search": ["search", "shares"],
    "articles": ["articles"],
    "brief": ["brief", "--all"],
}


@pytest.mark.parametrize("name", sorted(ON_NO_INDEX))
def test_commands_on_a_missing_index_say_how_to_ingest(name, capsys):
    code = main(ON_NO_INDEX[name])
    out = capsys.readouterr()
    assert code != 0 and "Traceback" not in out.err
    assert "rag ingest" in out.err


@pytest.mark.parametrize("name", sorted(ON_NO_INDEX))
def test_commands_on_an_emptied_index_say_how_to_ingest(name, capsys, tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    assert main(["ingest", str(tmp_path / "a.txt")]) == 0
    capsys.readouterr()
    assert main(["articles", "--json"]) == 0
    article_id = json.loads(capsys.readouterr().out)["id"]
    assert main(["rm", article_id]) == 0
    capsys.readouterr()
    code = main(ON_NO_INDEX[name])
    out = capsys.readouterr()
    assert code != 0 and "Traceback" not in out.err
    assert "holds no articles: add some with `rag ingest PATH`" in out.err


@pytest.mark.parametrize(
    ("variable", "value"),
    [("RAG_K", "many"), ("RAG_LLM_TIMEOUT", "-1"), ("RAG_CHUNK_TOKENS", "0")],
)
def test_a_bad_setting_is_one_clear_line(variable, value, capsys, monkeypatch):
    monkeypatch.setenv(variable, value)
    code = main(["config"])
    out = capsys.readouterr()
    assert code != 0 and "Traceback" not in out.err
    assert variable in out.err


def test_the_probe_has_forty_cases():
    assert len(BAD_FILES) + len(MISUSE) + len(ON_NO_INDEX) + 3 >= 40
    assert os.environ.get("RAG_LLM_API_KEY") is None  # no key leaks in from the environment
    assert Path("evals").exists() is False  # each case runs in its own empty folder
