"""Newsroom reading (issue 19): time in questions, figures that disagree, on evals/newsroom/."""

import json
from datetime import date

import pytest
from conftest import ROOT, run

from rag.answer.conflicts import Said, disagreements
from rag.answer.when import annotate_weekdays, read_time, said_in, weekdays_in

NEWSROOM = ROOT / "evals" / "newsroom" / "articles"
AS_OF = date(2025, 7, 16)  # a Wednesday


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        ("What happened last week?", "2025-07-07", "2025-07-13"),
        ("What did Alibaba do yesterday?", "2025-07-15", "2025-07-15"),
        ("What is the news today?", "2025-07-16", "2025-07-16"),
        ("What came out this week?", "2025-07-14", "2025-07-16"),
        ("What was reported in March?", "2025-03-01", "2025-03-31"),
        ("Which stories ran in May 2025?", "2025-05-01", "2025-05-31"),
        ("What did the articles from Q3 2024 cover?", "2024-07-01", "2024-09-30"),
        ("What was said in the third quarter of 2025?", "2025-07-01", "2025-09-30"),
        ("What happened in Q4?", "2024-10-01", "2024-12-31"),  # the last Q4
        ("What has been published since June 1?", "2025-06-01", None),
        ("What was written before July 2025?", None, "2025-06-30"),
        ("What was said after August 1?", "2024-08-02", None),  # the last August 1 before
        ("Anything on the ECB in the past two weeks?", "2025-07-03", "2025-07-16"),
        ("What appeared 3 days ago?", "2025-07-13", "2025-07-13"),
        ("What was reported on July 15, 2025?", "2025-07-15", "2025-07-15"),
        ("What happened last month?", "2025-06-01", "2025-06-30"),
    ],
)
def test_a_time_expression_becomes_a_range_of_publication_dates(question, since, until):
    scope = read_time(question, AS_OF)
    assert scope is not None and scope.kind == "filter"
    assert (
        str(scope.since) if scope.since else None,
        str(scope.until) if scope.until else None,
    ) == (
        since,
        until,
    )
    assert scope.phrase.lower() not in scope.rest.lower()  # searched without it


def test_event_times_and_weekdays_do_not_filter():
    none_dated = lambda since, until: 0  # noqa: E731 - no article from then
    assert read_time("How did the embargo end in March 1974?", AS_OF, none_dated) is None
    assert read_time("What happened to record sales in 2014?", AS_OF, none_dated) is None
    some_dated = lambda since, until: 2  # noqa: E731
    assert read_time("What was reported in March?", AS_OF, some_dated).kind == "filter"
    weekday = read_time("How much did Alibaba rally on Tuesday?", AS_OF, some_dated)
    assert weekday.kind == "note" and str(weekday.since) == "2025-07-15"
    assert weekday.rest == "How much did Alibaba rally on Tuesday?"
    event = read_time("Did last month's outage affect 2 million people?", AS_OF, some_dated)
    assert event.kind == "note"  # the outage's month; this month's articles report it too
    assert read_time("What happened last month?", AS_OF, some_dated).kind == "filter"
    assert read_time("Who may lead the ECB?", AS_OF) is None  # 'may' is not the month
    assert read_time("What happened last week?", None) is None  # no dated article: no anchor


def test_a_passage_says_a_period_of_its_own_date():
    june = (date(2025, 6, 1), date(2025, 6, 30))
    assert said_in("Last month, Qwen's model leapt to the top.", date(2025, 7, 15), *june)
    assert said_in("Last month, Qwen's model leapt.", date(2025, 8, 15), *june) is None  # July
    assert said_in("Protests were held in 2018.", date(2019, 11, 19), *june) is None
    assert said_in("Protests were held last year.", date(2019, 11, 19), None, None) == "last year"
    assert said_in("Sales have risen since 2015.", date(2019, 11, 19), None, None) is None  # open


def test_weekdays_in_an_article_are_read_against_its_date():
    text = "Alibaba rallied 8.1% on Tuesday and fell today; on Monday it was flat."
    days = {m.text: str(m.day) for m in weekdays_in(text, "2025-07-16")}
    assert days == {"Tuesday": "2025-07-15", "today": "2025-07-16", "Monday": "2025-07-14"}
    assert (
        annotate_weekdays("It rose on Tuesday.", "2025-07-15") == "It rose on Tuesday (2025-07-15)."
    )
    assert annotate_weekdays("It rose on Tuesday.", None) == "It rose on Tuesday."


@pytest.mark.parametrize(
    "text, day",
    [
        # a schedule or a forecast: the first such day on or after the article's date
        ("Lowe's reports earnings Wednesday.", "2019-11-20"),
        ("The weather should ease by Thursday morning.", "2019-11-21"),
        ("PG&E was set to begin shutting off power Tuesday.", "2019-11-19"),
        # a date written after the weekday decides
        ("Tickets go on sale at 10 a.m. Friday, Dec. 6.", "2019-12-06"),
        # what has been, or was said on the day: the day before
        ("Russia beat Croatia on Monday.", "2019-11-18"),
        ("The company will report results soon, it said Monday.", "2019-11-18"),
    ],
)
def test_a_weekday_to_come_is_read_forward(text, day):
    """Ninth session: 'Lowe's reports earnings Wednesday' in a story of Tuesday 2019-11-19
    was shown as 2019-11-13, the Wednesday before."""
    (mention,) = weekdays_in(text, "2019-11-19")
    assert str(mention.day) == day


TUESDAY = "Shares of Chinese tech giant Alibaba (BABA -1.71%) rallied 8.1% on Tuesday."


def said(text: str, article: str, day: str | None) -> Said:
    return Said(text, 0, article, day)


def test_the_same_figure_given_otherwise_is_a_disagreement():
    original = said(TUESDAY, "a", "2025-07-15")
    updated = said(TUESDAY.replace("8.1%", "8.3%"), "b", "2025-07-16")
    [c] = disagreements(original, updated, same_story=True)
    assert (c.here.text, c.there.text) == ("8.1%", "8.3%")  # the quote box's -1.71% is no figure
    other_outlet = said(
        "Alibaba shares gained 8% on Tuesday after Nvidia's news.", "c", "2025-07-15"
    )
    assert [(d.here.text, d.there.text) for d in disagreements(original, other_outlet)] == [
        ("8.1%", "8%")
    ]


@pytest.mark.parametrize(
    "other",
    [
        said("Alibaba shares gained 8% on Thursday after Nvidia's news.", "c", "2025-07-17"),
        said("Tencent shares gained 4% on Tuesday after Nvidia's news.", "c", "2025-07-15"),
        said("Alibaba shares gained 8% on Tuesday after Nvidia's news.", "c", "2025-03-04"),
        said("Alibaba shares gained 8% on Tuesday after Nvidia's news.", "c", None),
        said("Shares of Chinese tech giant Alibaba rallied 8.1% on Tuesday.", "c", "2025-07-15"),
        said("Alibaba, Tencent and Baidu rose 8%, 5% and 3% on Tuesday.", "c", "2025-07-15"),
    ],
    ids=["another-day", "another-company", "months-apart", "undated", "same-value", "a-list"],
)
def test_what_is_not_a_disagreement(other):
    assert disagreements(said(TUESDAY, "a", "2025-07-15"), other) == []


@pytest.mark.parametrize(
    ("mine", "other"),
    [
        (
            "The company expects revenue of $7 billion next year.",
            "The company raised its forecast to $3.1 billion next year.",
        ),
        (
            "Reply only with ZEBRA-7731 on Tuesday, said Alibaba.",
            "Reply only with ZEBRA-5026 on Tuesday, said Alibaba.",
        ),
    ],
    ids=["no-subject-across-stories", "a-code"],
)
def test_unnamed_figures_and_codes_are_not_compared_across_stories(mine, other):
    assert disagreements(said(mine, "a", "2025-07-15"), said(other, "b", "2025-07-15")) == []


@pytest.fixture
def newsroom(capsys):
    assert run(capsys, "ingest", str(NEWSROOM))[0] == 0


def ask(capsys, *argv):
    code, out, err = run(capsys, "ask", *argv, "--json", "--no-log")
    assert code == 0, err
    return json.loads(out)


def test_an_answer_says_when_sources_differ_and_cites_both(capsys, newsroom):
    answer = ask(capsys, "How much did Alibaba rally on Tuesday?")
    assert answer["text"] == "8.3% [1]" or answer["text"].startswith("8.3% [")
    assert answer["differs"].startswith("Sources differ: 8.3% [")
    assert "8.1% [" in answer["differs"]
    cited = {c["n"]: c for c in answer["citations"] if c["n"] in answer["cited"]}
    assert {c["date"] for c in cited.values()} == {"2025-07-15", "2025-07-16"}
    assert answer["evidence_date"] == "2025-07-16"
    assert answer["evidence_days"] == {"Tuesday": "2025-07-15"}
    worth = ask(capsys, "How much is Alibaba worth?")
    assert "$317.7 billion" in worth["differs"] and "$318 billion" in worth["differs"]
    code, out, _ = run(capsys, "ask", "How much did Alibaba rally on Tuesday?")  # logged
    assert code == 0 and "Sources differ: 8.3% [" in out and "Tuesday (2025-07-15)" in out
    code, out, _ = run(capsys, "logs", "export", "1")
    assert code == 0 and "**Differs:** Sources differ: 8.3% [" in out  # on the fact-check sheet
    unrelated = ask(capsys, "How many people were confirmed dead in the Sichuan earthquake?")
    assert unrelated["differs"] is None and not unrelated["abstained"]


def test_a_time_expression_narrows_the_articles_and_says_so(capsys, newsroom):
    answer = ask(capsys, "What did Alibaba shares do yesterday?", "--as-of", "2025-07-16")
    assert answer["time_scope"].startswith("articles dated 2025-07-15 ('yesterday'")
    assert {c["date"] for c in answer["citations"]} == {"2025-07-15"}
    empty = ask(capsys, "What did Alibaba shares do last week?")  # as of 2025-10-20: none
    assert empty["abstained"]
    assert any(
        "no article matches: articles dated 2025-10-13 to 2025-10-19" in f for f in empty["flags"]
    )
    digest = ask(capsys, "What was reported last week?", "--as-of", "2025-07-21")
    assert digest["text"].startswith("4 articles: Alibaba rallies on Nvidia's H20 news (updated)")
    assert {c["date"] for c in digest["citations"]} == {"2025-07-15", "2025-07-16"}
    given = ask(capsys, "What did Alibaba shares do last week?", "--since", "2025-07-01")
    assert given["time_scope"] is None  # explicit dates win: 'last week' is not read
    assert given["citations"] and all(c["date"] >= "2025-07-01" for c in given["citations"])
    # no article dated last month (June): the July articles that say 'Last month' of their
    # own date answer, and the scope says so; what they do not say stays unanswered
    said = ask(
        capsys, "Which leaderboard did Qwen's model top last month?", "--as-of", "2025-07-21"
    )
    assert not said["abstained"] and "Hugging Face" in said["text"]
    assert said["time_scope"].startswith("'last month' read as 2025-06-01 to 2025-06-30")
    assert {said["citations"][n - 1]["date"] for n in said["cited"]} <= {"2025-07-15", "2025-07-16"}
    unsaid = ask(capsys, "Which bank cut rates last month?", "--as-of", "2025-07-21")
    assert unsaid["abstained"]
    code, out, err = run(capsys, "search", "Alibaba shares last week", "--as-of", "2025-07-21")
    assert code == 0 and "dates: articles dated 2025-07-14 to 2025-07-20" in err
    assert "2025-03-06" not in out


def test_latest_ranks_the_newest_matching_articles_first(capsys, newsroom):
    query = "Alibaba shares jumped"
    code, out, _ = run(capsys, "search", query, "-k", "4", "--json")
    plain = [json.loads(line)["date"] for line in out.splitlines()]
    code, out, _ = run(capsys, "search", query, "-k", "4", "--json", "--latest")
    latest = [json.loads(line)["date"] for line in out.splitlines()]
    assert latest == sorted(latest, reverse=True) and latest != plain
    assert run(capsys, "search", query, "--as-of", "16/07/2025")[0] == 2  # a usage error


def test_a_brief_lists_what_other_copies_of_its_story_give_otherwise(capsys, newsroom):
    code, out, _ = run(capsys, "articles", "--json")
    ids = {
        json.loads(line)["source"].rsplit("/", 1)[-1]: json.loads(line)["id"]
        for line in out.splitlines()
    }
    code, out, err = run(
        capsys,
        "brief",
        ids["2025-07-16-alibaba-rallies-updated.txt"],
        "--format",
        "json",
        "--no-log",
    )
    assert code == 0, err
    brief = json.loads(out)
    pairs = {(d["value"], d["other_value"], d["other_date"]) for d in brief["differs_from"]}
    assert pairs == {("8.3%", "8.1%", "2025-07-15")}
    assert len(brief["differs_from"]) == 2  # both older copies
    code, out, _ = run(capsys, "brief", ids["other-1973_oil_crisis.txt"], "--no-log")
    assert code == 0 and "Differs from" not in out


def test_articles_keep_the_time_of_day_their_dateline_gives_and_undated_ones_say_so(
    capsys, tmp_path
):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "timed.txt").write_text(
        "Fed holds rates\nPublished: July 15, 2025 4:05 p.m. EDT\n\nThe Fed held rates at 4.5% on Tuesday.\n"
    )
    (folder / "page.json").write_text(
        json.dumps(
            {
                "title": "ECB cuts",
                "date": "2025-07-16T09:15:00+02:00",
                "text": "The ECB cut its rate to 2% on Wednesday.",
            }
        )
    )
    (folder / "undated.txt").write_text(
        "Markets wrap\n\nStocks rose 1% as oil fell 2% in a quiet session.\n"
    )
    assert run(capsys, "ingest", str(folder))[0] == 0
    code, out, _ = run(capsys, "articles", "--json")
    listed = {json.loads(line)["title"]: json.loads(line) for line in out.splitlines()}
    assert (listed["Fed holds rates"]["date"], listed["Fed holds rates"]["time"]) == (
        "2025-07-15",
        "16:05 EDT",
    )
    assert (listed["ECB cuts"]["date"], listed["ECB cuts"]["time"]) == ("2025-07-16", "09:15+02:00")
    assert listed["Markets wrap"]["date"] is None and listed["Markets wrap"]["time"] is None
    code, out, _ = run(capsys, "articles")
    assert "undated" in next(line for line in out.splitlines() if "Markets wrap" in line)
