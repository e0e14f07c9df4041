#!/usr/bin/env bash
# Copies the saved news pages of briefs_news.jsonl (35) and briefs_fresh.jsonl (38) from
# ../shared into DEST, for:
# rag eval --suite brief --brief-gold evals/briefs_news/briefs_news.jsonl --articles DEST
# The pages belong to their publishers: they stay outside the repository.
set -euo pipefail
dest=${1:?usage: evals/briefs_news/articles.sh DEST}
root="$(cd "$(dirname "$0")/../.." && pwd)"
mkdir -p "$dest"
cat "$root/evals/briefs_news/briefs_news.jsonl" "$root/evals/briefs_news/briefs_fresh.jsonl" |
  grep -o '"article": "[^"]*"' | cut -d'"' -f4 | sort -u |
  while read -r name; do cp "$root/../shared/corpora/news-pages/html/$name" "$dest/"; done
