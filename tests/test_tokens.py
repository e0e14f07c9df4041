import hashlib
import inspect
import re

import pytest
import tiktoken_ext.openai_public as openai_public

from rag.core import tokens
from rag.core.errors import ConfigError


def test_hash_table_matches_tiktoken_source():
    for name, (url, sha) in tokens.ENCODING_FILES.items():
        source = inspect.getsource(getattr(openai_public, name))
        assert url in source
        assert re.search(rf'expected_hash="{sha}"', source), name


def test_seed_cache_writes_the_verified_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "cache"))
    path = tokens.seed_cache("cl100k_base")
    url, sha = tokens.ENCODING_FILES["cl100k_base"]
    assert path.name == hashlib.sha1(url.encode()).hexdigest()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha


def test_corrupted_cache_file_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    path = tokens.seed_cache("o200k_base")
    path.write_bytes(b"garbage")
    again = tokens.seed_cache("o200k_base")
    assert hashlib.sha256(again.read_bytes()).hexdigest() == tokens.ENCODING_FILES["o200k_base"][1]


def test_encoding_loads_offline_and_counts(tmp_path, monkeypatch):
    # The network guard in conftest makes any download attempt fail loudly.
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    tokens.get_encoding.cache_clear()
    enc = tokens.get_encoding("cl100k_base")
    assert enc.encode("hello world") == [15339, 1917]
    assert tokens.count_tokens("Alibaba rallied 8.1% on Tuesday.") == len(
        enc.encode_ordinary("Alibaba rallied 8.1% on Tuesday.")
    )


def test_empty_cache_dir_setting_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")
    with pytest.raises(ConfigError, match="TIKTOKEN_CACHE_DIR"):
        tokens.seed_cache("cl100k_base")


def test_unknown_encoding_is_a_clear_error():
    with pytest.raises(ConfigError, match="unknown encoding"):
        tokens.seed_cache("p50k_base")
