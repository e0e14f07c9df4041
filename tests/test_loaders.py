import json

from conftest import ALIBABA_THURSDAY, SEEDS

from rag.core.types import Article
from rag.ingest.loaders import LoadFailure, discover, load_path, parse_date


def _load(path):
    return list(load_path(path))


def test_seed_txt_title_and_metadata():
    [article] = _load(SEEDS / ALIBABA_THURSDAY)
    assert isinstance(article, Article)
    assert article.title == "Chinese AI model euphoria continues with another Alibaba stock jump"
    assert len(article.id) == 16
    assert article.word_count > 400
    assert article.source.endswith(ALIBABA_THURSDAY)


def test_id_is_a_content_hash(tmp_path):
    (tmp_path / "a.txt").write_text("Title\nSame body.")
    (tmp_path / "b.txt").write_text("Title\nSame body.\n\n")
    [a], [b] = _load(tmp_path / "a.txt"), _load(tmp_path / "b.txt")
    assert a.id == b.id


def test_markdown_front_matter(tmp_path):
    path = tmp_path / "note.md"
    path.write_text(
        "---\ntitle: Chips are back\ndate: 2025-07-15\n---\n# Heading\nNvidia resumes H20 sales."
    )
    [article] = _load(path)
    assert article.title == "Chips are back"
    assert article.date == "2025-07-15"
    assert "Nvidia resumes H20 sales." in article.text


def test_date_line_in_text(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Alibaba jumps\nPublished: March 6, 2025\nAlibaba shares surged 7%.")
    [article] = _load(path)
    assert article.date == "2025-03-06"


def test_html_strips_markup(tmp_path):
    path = tmp_path / "a.html"
    path.write_text(
        "<html><head><title>Alibaba rallies</title><script>var x = 1;</script>"
        "<style>p {color: red}</style></head><body><h1>Alibaba rallies</h1>"
        "<time datetime='2025-07-15T10:00:00Z'>July 15</time>"
        "<p>Shares <b>rallied</b> 8.1% on Tuesday.</p><!-- ignore me --></body></html>"
    )
    [article] = _load(path)
    assert article.title == "Alibaba rallies"
    assert article.date == "2025-07-15"
    assert "rallied" in article.text and "8.1%" in article.text
    assert "var x" not in article.text and "color" not in article.text and "<" not in article.text


def test_json_records_with_paragraph_lists(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps(
            [
                {
                    "title": "One",
                    "body": "First article.",
                    "date": "2025-01-02",
                    "url": "https://x/1",
                    "source": "Wire",
                },
                {"title": "Two", "content": ["Para one.", "Para two."]},
            ]
        )
    )
    one, two = _load(path)
    assert (one.title, one.date, one.url, one.publisher) == (
        "One",
        "2025-01-02",
        "https://x/1",
        "Wire",
    )
    assert two.text == "Para one.\n\nPara two."
    assert one.source.endswith("a.json#0") and two.source.endswith("a.json#1")


def test_jsonl_bad_line_does_not_stop_the_rest(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"title": "Good", "body": "Fine text."}\n'
        "{not json\n"
        '{"title": "No body"}\n'
        '{"body": "Untitled record body. Second sentence."}\n'
    )
    items = _load(path)
    assert [type(i).__name__ for i in items] == ["Article", "LoadFailure", "LoadFailure", "Article"]
    assert "#2" in items[1].source and "invalid JSON" in items[1].message
    assert "no 'body' or 'content'" in items[2].message
    assert items[3].title == "Untitled record body. Second sentence."


def test_bad_files_give_one_clear_line(tmp_path):
    cases = {
        "empty.txt": b"   \n",
        "binary.txt": b"\x00\x01\x02PK\x03\x04",
        "latin1.txt": "Caf\u00e9 soci\u00e9t\u00e9".encode("latin-1"),
        "broken.json": b'{"title": "x", ',
        "notes.pdf": b"%PDF-1.4",
    }
    expected = {
        "empty.txt": "empty file",
        "binary.txt": "binary file",
        "latin1.txt": "not UTF-8",
        "broken.json": "invalid JSON at line 1",
        "notes.pdf": "unsupported file type",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        [failure] = _load(tmp_path / name)
        assert isinstance(failure, LoadFailure)
        assert expected[name] in failure.message
        assert "\n" not in str(failure)


def test_discover_folders_globs_and_missing(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x")
    (tmp_path / "a" / "y.md").write_text("y")
    (tmp_path / "a" / "skip.bin").write_text("z")
    (tmp_path / "a" / ".hidden").mkdir()
    (tmp_path / "a" / ".hidden" / "h.txt").write_text("h")
    (tmp_path / "empty").mkdir()
    files, failures = discover(
        [str(tmp_path / "a"), str(tmp_path / "a" / "*.txt"), "missing/", str(tmp_path / "empty")]
    )
    assert [f.name for f in files] == ["x.txt", "y.md"]
    assert [f.message.split(":")[0] for f in failures] == [
        "no such file or folder",
        "no articles (.htm .html .json .jsonl .markdown .md .ndjson .txt) in this folder",
    ]


def test_parse_date_formats():
    assert parse_date("2025-03-06T12:00:00Z") == "2025-03-06"
    assert parse_date("March 6, 2025") == "2025-03-06"
    assert parse_date("6 March 2025") == "2025-03-06"
    assert parse_date("last Tuesday") is None


def test_a_hover_card_inside_a_sentence_is_not_read_into_it():
    """The Hill nests a person's card (full name, their latest stories, 'MORE') inside the
    sentence that names them; the sentence reads as written."""
    from rag.ingest.loaders import parse_html

    card = (
        '<span class="rollover-people"><a class="rollover-people-link" href="/p">Kristi Noem</a>'
        '<span class="rollover-people-block"><a class="name" href="/p">Kristi Lynn Noem</a>'
        '<a class="people-articles" href="/x">South Dakota drops pipeline protest laws</a> MORE'
        "</span></span>"
    )
    body = " ".join(
        f"<p>Paragraph {i} of the story about the state's campaign and its critics.</p>"
        for i in range(6)
    )
    html = (
        "<html><head><title>Governor defends campaign</title></head><body><article>"
        f"<p>South Dakota Gov. {card} (R) is defending the state's anti-drug campaign.</p>"
        f"{body}</article></body></html>"
    )
    article = parse_html(html, "hill.html")
    assert "Gov. Kristi Noem (R) is defending" in article.text
    assert "Lynn" not in article.text and "MORE" not in article.text
