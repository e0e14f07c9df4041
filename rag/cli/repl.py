"""`rag chat`: a REPL over the articles. Streams answers; Ctrl-C stops an answer, Ctrl-D quits."""

from __future__ import annotations

import shlex
import sys
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory
from prompt_toolkit.key_binding import KeyBindings
from rich.console import Console

from rag.answer import Answer, answer_question
from rag.answer.read import reader_for
from rag.cli.render import StatusLine, citation_header, print_answer
from rag.core.config import Settings
from rag.core.errors import RagError, question_problem
from rag.core.textsafe import safe
from rag.index.retrieve import Filters, Retriever
from rag.llm import ChatModel

if TYPE_CHECKING:
    from rag.logs import AnswerLog

HELP = """\
Ask a question about your articles; follow-ups ("and how much did it rise?") use the
question before them. Enter sends; Esc then Enter adds a line. Ctrl-C stops an answer,
Ctrl-D or /quit leaves. 'Last week', 'yesterday', 'in March' in a question narrow the
articles by date, counted from the newest article's date (or /asof).

  /sources           the last answer's passages
  /open N            passage N of the last answer in its article context
  /articles          the indexed articles
  /scope ID... | all limit questions to some articles (ids or prefixes from /articles)
  /since YYYY-MM-DD  only articles from that day on (/since off to clear)
  /asof YYYY-MM-DD   the day 'today' and 'last week' count from (/asof off: newest article)
  /k N               passages searched for the answer
  /brief ID          a checked brief of one article (id or prefix from /articles)
  /model [NAME]      the language model in use; NAME switches between the embedded ones
  /history           this session's answers, with their ids in the answer log
  /export N [FILE]   log entry N as a fact-check sheet (Markdown; to FILE if given)
  /clear             forget the conversation (follow-ups start afresh)
  /help              this text
  /quit              leave

The prompt shows what shapes the next answer: rag [2 articles, since 2025-01-01, k 8]>"""


class Repl:
    def __init__(
        self, retriever: Retriever, model: ChatModel, settings: Settings, console: Console
    ) -> None:
        self.retriever = retriever
        self.model = model
        self.reader = reader_for(settings)
        self.settings = settings
        self.console = console
        self.history: list[str] = []
        self.last: Answer | None = None
        self.filters = Filters()
        self.k = settings.k
        self.as_of: date | None = None  # None: the newest article's date (rag.answer.when)
        self._default_model = model.name
        self.answer_log: AnswerLog | None = None  # set by `rag chat` unless logging is off
        self.session = uuid.uuid4().hex[:12]
        self.logged: list[tuple[int, Answer]] = []
        self.commands: dict[str, Callable[[list[str]], bool]] = {
            "help": self._help,
            "sources": self._sources,
            "open": self._open,
            "articles": self._articles,
            "scope": self._scope,
            "since": self._since,
            "asof": self._as_of,
            "k": self._k,
            "brief": self._brief,
            "model": self._model,
            "history": self._history,
            "export": self._export,
            "clear": self._clear,
            "quit": self._quit,
            "exit": self._quit,
        }

    def run(self) -> None:
        count = len(self.retriever.store.articles())
        scope = f", scope {self._describe_scope()}" if self.filters.active() else ""
        self.console.print(
            f"rag chat — {count} articles, model {self.model.name}, k {self.k}{scope}. "
            "/help for commands.",
            style="dim",
            markup=False,
        )
        read = self._terminal_reader() if sys.stdin.isatty() else _plain_reader()
        while True:
            try:
                line = read().strip()
            except KeyboardInterrupt:
                continue
            except EOFError:
                return
            if not line:
                continue
            if line.startswith("/"):
                if not self._command(line[1:]):
                    return
                continue
            self._ask(line)

    def _terminal_reader(self) -> Callable[[], str]:
        """prompt_toolkit: persistent history, Esc-Enter for a new line."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        bindings = KeyBindings()

        @bindings.add("escape", "enter")
        def _newline(event: Any) -> None:
            event.current_buffer.insert_text("\n")

        session: PromptSession[str] = PromptSession(
            history=FileHistory(str(self.settings.data_dir / "chat_history")),
            key_bindings=bindings,
        )
        return lambda: session.prompt(self.prompt_text)

    def prompt_text(self) -> str:
        """`rag> `, or the state that shapes the next answer: `rag [2 articles, since
        2025-01-01, k 8]> `."""
        f = self.filters
        parts = [
            f"{len(f.article_ids)} article{'s' * (len(f.article_ids) > 1)}"
            if f.article_ids
            else "",
            f"source ~ {f.source}" if f.source else "",
            f"since {f.since}" if f.since else "",
            f"until {f.until}" if f.until else "",
            f"k {self.k}" if self.k != self.settings.k else "",
            self.model.name.removeprefix("local:")
            if self.model.name != self._default_model
            else "",
        ]
        state = ", ".join(p for p in parts if p)
        return f"rag [{state}]> " if state else "rag> "

    def _command(self, text: str) -> bool:
        """Run a /command; False means leave."""
        try:
            name, *args = shlex.split(text) or [""]
        except ValueError as exc:
            self.console.print(f"cannot read that command: {exc}", markup=False)
            return True
        handler = self.commands.get(name.lower())
        if handler is None:
            self.console.print(
                f"unknown command /{name}: type /help for the list", style="yellow", markup=False
            )
            return True
        return handler(args)

    def _ask(self, question: str) -> None:
        if problem := question_problem(question):
            self.console.print(problem, style="yellow", markup=False)
            return
        if empty := self._empty_scope():
            self.console.print(empty, style="yellow", markup=False)
            return
        view = StatusLine(self.console)
        view.start()
        try:
            answer = answer_question(
                question,
                retriever=self.retriever,
                model=self.model,
                k=self.k,
                history=self.history,
                filters=self.filters,
                as_of=self.as_of,
                reader=self.reader,
                previous=self.last,
            )
        except KeyboardInterrupt:
            view.erase()
            self.console.print("(stopped)", style="yellow")
            return
        except RagError as exc:
            view.erase()
            self.console.print(f"error: {exc}", style="red", markup=False)
            return
        view.erase()
        print_answer(self.console, answer, passages=False)
        self.history.append(answer.query)
        self.last = answer
        if self.answer_log is not None:
            entry_id = self.answer_log.record(
                answer, command="chat", filters=self.filters, session=self.session
            )
            if entry_id is not None:
                self.logged.append((entry_id, answer))

    def _empty_scope(self) -> str | None:
        """When the scope leaves no article, say which filter did it and why."""
        if self.retriever.allowed_articles(self.filters) != []:
            return None  # no filter, or some article passes
        everything = self.retriever.store.articles()
        undated = sum(1 for a in everything if not a.date)
        why = f" ({undated} of {len(everything)} articles have no date)" if undated else ""
        return (
            f"no article matches the scope {self._describe_scope()}{why}: "
            "widen it with /scope all or /since off"
        )

    # -- commands ---------------------------------------------------------------------------
    def _help(self, _: list[str]) -> bool:
        self.console.print(HELP, markup=False)
        return True

    def _history(self, _: list[str]) -> bool:
        if self.answer_log is None:
            self.console.print("the answer log is off (RAG_LOG=false or --no-log)")
            return True
        if not self.logged:
            self.console.print("no answer logged in this session yet")
        for entry_id, answer in self.logged:
            self.console.print(
                f"{entry_id:>5}  {safe(answer.question)}  →  {safe(answer.text)}", markup=False
            )
        return True

    def _export(self, args: list[str]) -> bool:
        if not args or not args[0].isdigit() or len(args) > 2:
            self.console.print("usage: /export N [FILE], N an id from /history or `rag logs`")
            return True
        from rag.logs import AnswerLog, sheet_markdown

        try:
            with AnswerLog.open(self.settings.data_dir) as answer_log:
                text = sheet_markdown(answer_log.get(int(args[0])))
            if len(args) == 2:
                Path(args[1]).write_text(text, encoding="utf-8")
                self.console.print(f"wrote log entry {args[0]} to {args[1]}", markup=False)
            else:
                self.console.print(safe(text), markup=False)
        except RagError as exc:
            self.console.print(f"error: {exc}", style="red", markup=False)
        except OSError as exc:
            self.console.print(f"cannot write {args[1]}: {exc.strerror}", style="red", markup=False)
        return True

    def _sources(self, _: list[str]) -> bool:
        if self.last is None:
            self.console.print("no answer yet: ask a question first")
            return True
        for c in self.last.citations:
            self.console.print(citation_header(c, detail=True), markup=False)
            self.console.print(f"    {safe(' '.join(c.text.split()))}", markup=False)
        return True

    def _open(self, args: list[str]) -> bool:
        if self.last is None or not args or not args[0].isdigit():
            self.console.print("usage: /open N, after an answer (N from /sources)")
            return True
        n = int(args[0])
        match = [c for c in self.last.citations if c.n == n]
        if not match:
            self.console.print(f"no passage [{n}]: the last answer has {len(self.last.citations)}")
            return True
        c = match[0]
        text = self.retriever.store.article_text(c.article_id) or ""
        before = text[max(0, c.start - 600) : c.start]
        after = text[c.end : c.end + 600]
        if c.start > 600:  # begin and end at a word, never mid-word
            before = "…" + before.split(None, 1)[-1] if " " in before else before
        if c.end + 600 < len(text):
            after = after.rsplit(None, 1)[0] + "…" if " " in after.strip() else after
        self.console.print(citation_header(c, detail=True), style="bold", markup=False)
        self.console.print(safe(before), end="", style="dim", markup=False)
        self.console.print(safe(text[c.start : c.end]), end="", style="bold", markup=False)
        self.console.print(safe(after), style="dim", markup=False)
        return True

    def _articles(self, _: list[str]) -> bool:
        for a in self.retriever.store.articles():
            where = f"{safe(a.outlet)} · " if a.outlet else ""
            self.console.print(f"{a.id}  {a.date or '-':>10}  {where}{safe(a.title)}", markup=False)
        return True

    def _scope(self, args: list[str]) -> bool:
        if not args:
            scope = ", ".join(self.filters.article_ids or []) or "all articles"
            self.console.print(f"scope: {scope}")
        elif args == ["all"]:
            self.filters.article_ids = None
            self.console.print("scope: all articles")
        else:
            ids, problems = [], []
            for prefix in args:
                found = self.retriever.store.matching_ids(prefix)
                if len(found) == 1:
                    ids.append(found[0])
                elif found:
                    problems.append(f"{prefix} is ambiguous ({', '.join(x[:12] for x in found)})")
                else:
                    problems.append(f"no article id starts with {prefix}")
            if problems:
                self.console.print("; ".join(problems) + ": see /articles", markup=False)
            else:
                self.filters.article_ids = ids
                self.console.print(f"scope: {len(ids)} article(s)")
        return True

    def _since(self, args: list[str]) -> bool:
        if args == ["off"]:
            self.filters.since = None
            self.console.print("since: any date")
            return True
        try:
            self.filters.since = date.fromisoformat(args[0]) if args else None
        except ValueError:
            self.console.print("usage: /since YYYY-MM-DD (or /since off)")
            return True
        self.console.print(f"since: {self.filters.since or 'any date'}")
        return True

    def _as_of(self, args: list[str]) -> bool:
        if args == ["off"] or not args:
            self.as_of = None
            self.console.print("as of: the newest article's date")
            return True
        try:
            self.as_of = date.fromisoformat(args[0])
        except ValueError:
            self.console.print("usage: /asof YYYY-MM-DD (or /asof off)")
            return True
        self.console.print(f"as of: {self.as_of}")
        return True

    def _describe_scope(self) -> str:
        f = self.filters
        parts = [
            ("articles " + ", ".join(f.article_ids)) if f.article_ids else "",
            f"source ~ {f.source}" if f.source else "",
            f"since {f.since}" if f.since else "",
            f"until {f.until}" if f.until else "",
        ]
        return "; ".join(p for p in parts if p)

    def _k(self, args: list[str]) -> bool:
        if len(args) != 1 or not args[0].isdigit() or not 1 <= int(args[0]) <= 20:
            self.console.print(f"usage: /k N with N from 1 to 20 (now {self.k})")
            return True
        self.k = int(args[0])
        self.console.print(f"k: {self.k}")
        return True

    def _brief(self, args: list[str]) -> bool:
        from rich.markdown import Markdown

        from rag.brief.briefing import BriefCache, cached_brief, to_markdown, with_differences

        article = self.retriever.store.article(args[0]) if len(args) == 1 else None
        if article is None:
            self.console.print(
                "usage: /brief ID, with an article id or unique prefix from /articles"
            )
            return True
        try:
            made = cached_brief(article, self.model, BriefCache(self.settings.data_dir / "briefs"))
            made = with_differences(made, article, self.retriever.store)
        except RagError as exc:
            self.console.print(f"error: {exc}", markup=False)
            return True
        self.console.print(Markdown(safe(to_markdown(made))))
        if self.answer_log is not None:
            self.answer_log.record_brief(made, article, command="chat", session=self.session)
        return True

    def _model(self, args: list[str]) -> bool:
        from rag.llm.local import LOCAL_MODELS

        local = self.settings.llm_provider == "local"
        if not args:
            others = f" (/model NAME switches: {', '.join(LOCAL_MODELS)})" if local else ""
            self.console.print(f"model: {self.model.name}{others}", markup=False)
            reads = self.model.reads_passages
            path = self.settings.model_copy(update={"llm_reads": reads}).answer_path
            self.console.print(f"answers: {path}", markup=False)
            return True
        if not local:
            self.console.print(
                f"model: {self.model.name} is served at {self.settings.llm_base_url}; set "
                "RAG_LLM_MODEL and start `rag chat` again to use another",
                markup=False,
            )
            return True
        if args[0] not in LOCAL_MODELS:
            self.console.print(
                f"unknown local model {args[0]!r}: use one of {', '.join(LOCAL_MODELS)}",
                markup=False,
            )
            return True
        from rag.llm import make_chat_model

        try:
            self.model = make_chat_model(self.settings.model_copy(update={"llm_model": args[0]}))
        except RagError as exc:
            self.console.print(f"error: {exc}", markup=False)
            return True
        self.console.print(f"model: {self.model.name}", markup=False)
        return True

    def _clear(self, _: list[str]) -> bool:
        self.history.clear()
        self.last = None
        self.console.print("conversation cleared")
        return True

    def _quit(self, _: list[str]) -> bool:
        return False


def _plain_reader() -> Callable[[], str]:
    """Questions from a pipe or file, one per line (input() raises EOFError at the end)."""
    return input
