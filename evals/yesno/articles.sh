#!/usr/bin/env bash
# Copies the articles of qa_yesno.jsonl (saved pages from ../shared, the 2 seeds) into
# DEST, for: rag eval --suite qa --qa-gold evals/yesno/qa_yesno.jsonl --articles DEST
# The pages belong to their publishers: they stay outside the repository.
set -euo pipefail
dest=${1:?usage: evals/yesno/articles.sh DEST}
root="$(cd "$(dirname "$0")/../.." && pwd)"
mkdir -p "$dest"
grep -o '"articles": \["[^"]*"' "$root/evals/yesno/qa_yesno.jsonl" | cut -d'"' -f4 | sort -u |
  while read -r name; do
    if [ -f "$root/seeds/$name" ]; then cp "$root/seeds/$name" "$dest/"
    else cp "$root/../shared/corpora/news-pages/html/$name" "$dest/"; fi
  done
