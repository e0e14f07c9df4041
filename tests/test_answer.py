"""Q&A: prompt assembly and checks on scripted replies; end to end with the real local model."""

import re

import pytest
from conftest import default_reader
from fakes import ScriptedChatModel

from rag.answer import Answer, answer_question, standalone_query
from rag.answer.kinds import specific_terms
from rag.answer.read import AnswerReader
from rag.cli.main import main
from rag.core.prompts import ABSTAIN, load_prompt
from rag.core.text import content_terms
from rag.llm.local import LocalChatModel

TUESDAY_Q = "By how much did Alibaba shares rally on Tuesday?"


@pytest.fixture(scope="module")
def retriever(seeds_retriever):
    return seeds_retriever


def ask(retriever, replies, question=TUESDAY_Q, **kw):
    model = ScriptedChatModel(list(replies))  # an empty script fails if the model is asked
    kw.setdefault("reader", default_reader())
    return answer_question(question, retriever=retriever, model=model, **kw), model


MOONSHOT_Q = "Which AI start-up has Alibaba invested in?"


def test_a_figure_question_is_answered_by_the_figure_of_the_answering_sentence(retriever):
    answer, model = ask(retriever, [])
    assert model.calls == []  # the learned reader takes the figure, no model is asked
    assert answer.kind == "quantity" and answer.method == "reader" and not answer.abstained
    n = answer.cited[0]
    assert answer.text == f"8.1% [{n}]"
    assert answer.evidence.startswith("Shares of Chinese tech giant Alibaba")
    assert answer.evidence in answer.citations[n - 1].text
    for c in answer.citations:  # the passages are exact slices of their articles
        assert retriever.store.catalog.article_text(c.article_id)[c.start : c.end] == c.text


def test_yes_no_and_why_questions(retriever):
    answer, _ = ask(retriever, [], question="Has the US government assured Nvidia about licences?")
    assert answer.kind == "yesno" and answer.text.startswith("Yes [")
    assert "assured NVIDIA that licenses will be granted" in answer.evidence
    answer, _ = ask(retriever, [], question="Why did Alibaba shares rise on Tuesday?")
    assert answer.kind == "reason" and not answer.abstained
    assert "Nvidia" in answer.text and "H20" in answer.text


def test_a_bare_why_follow_up_gets_the_cause_given_after_the_answering_sentence(retriever):
    # the README's chat: the cause is two sentences after the rally, with no 'rally' in it
    answer, model = ask(retriever, [], question="And why?", history=[TUESDAY_Q])
    assert model.calls == [] and answer.kind == "reason" and answer.method == "span"
    assert answer.text.startswith("after AI chip giant Nvidia") and "H20" in answer.text
    assert answer.evidence.startswith("Therefore, Alibaba rose today after")


def test_a_figure_of_the_wrong_kind_or_day_is_not_an_answer(retriever):
    answer, model = ask(retriever, [], question="What price did Nvidia set for the H20?")
    assert answer.abstained and answer.text == ABSTAIN and model.calls == []
    answer, _ = ask(retriever, [], question="How much did Alibaba's stock rise on Friday?")
    assert answer.abstained and any("Friday" in f for f in answer.flags)


def test_weak_retrieval_support_abstains_without_asking_the_model(retriever):
    answer, model = ask(
        retriever, [], question="What did the Federal Reserve decide about interest rates?"
    )
    assert answer.abstained and answer.text == ABSTAIN and model.calls == []


def test_follow_up_is_rewritten_with_the_question_before_it():
    history = ["Why did Alibaba's stock jump on Thursday?"]
    query, _ = standalone_query("And how much did it rise?", history)
    assert query == "Why did Alibaba's stock jump on Thursday? And how much did it rise?"
    assert standalone_query("Who is Tencent's CEO?", history) == ("Who is Tencent's CEO?", None)


def test_the_other_company_is_the_one_the_last_passages_name_besides_the_asked_one(
    seeds_retriever,
):
    """After a question about one company, 'What about the other company?' asks it of the
    company the last answer's passages name most besides that one (issue 39, item 4)."""
    from rag.answer.followup import other_named

    passages = [
        "Alibaba rallied 8.1% after Nvidia said it would resume H20 sales. Nvidia shares rose.",
        "Nvidia (NVDA -0.23%) expects licences. Alibaba's Qwen model leads.",
    ]
    asked = "How much did Alibaba's shares rise on Tuesday?"
    assert other_named("What about the other company?", asked, passages, "8.1% [1]") == (
        "Nvidia",
        "How much did Nvidia's shares rise on Tuesday?",
    )
    assert other_named("And why?", asked, passages, "8.1%") is None
    assert other_named("And the other one?", asked, ["Alibaba rose."], "8.1%") is None

    first = answer_question(
        "How much did Alibaba's shares rally on Tuesday?", retriever=seeds_retriever,
        model=ScriptedChatModel([]), reader=default_reader(),
    )  # fmt: skip
    then = answer_question(
        "What about the other company?", retriever=seeds_retriever,
        model=ScriptedChatModel(["n/a"] * 3), history=[first.query], previous=first,
        reader=default_reader(),
    )  # fmt: skip
    assert then.query == "How much did Nvidia's shares rally on Tuesday?"
    assert then.read_as == f"{then.query} ('the other' taken as Nvidia)"


def test_prompt_placeholders_are_checked_at_load(tmp_path):
    from rag.core.errors import ConfigError

    (tmp_path / "answer_read.txt").write_text("version: 1\n---\n{passages} {question}\n")
    with pytest.raises(ConfigError, match="missing \\['abstain', 'history'\\]"):
        load_prompt("answer_read", tmp_path)
    assert load_prompt("answer_read").version


# -- the real local model ------------------------------------------------------------------
@pytest.fixture(scope="module")
def gemma():
    return LocalChatModel("gemma3-270m")


REAL_QUESTIONS = [
    TUESDAY_Q,
    "How much did Alibaba's stock jump on Thursday?",
    "Who is Tencent's CEO?",
    "What is Amazon's market capitalization?",
]


def test_real_model_answers_cite_only_given_passages(retriever, gemma):
    answered = 0
    for question in REAL_QUESTIONS:
        answer = answer_question(
            question, retriever=retriever, model=gemma, reader=default_reader()
        )
        given = {c.n for c in answer.citations}
        markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.text)}
        assert markers == set(answer.cited) and markers <= given, answer
        if answer.abstained:
            continue
        answered += 1
        assert answer.cited
        assert answer.evidence and answer.evidence in answer.citations[answer.evidence_n - 1].text
    assert answered >= 3


@pytest.mark.parametrize(
    "question",
    ["What was Alibaba's revenue last quarter?", "How many parameters does Kimi K2 have?"],
)
def test_real_model_abstains_when_a_specific_term_is_not_said(retriever, gemma, question):
    # The seeds give neither figure; 'quarter' and 'parameters' with 'Kimi' are in no one
    # sentence, so no sentence answers.
    answer = answer_question(question, retriever=retriever, model=gemma, reader=default_reader())
    assert answer.abstained and answer.text == ABSTAIN


def test_real_follow_up_retrieves_the_thursday_jump(retriever, gemma):
    answer = answer_question(
        "And how much did it rise?",
        retriever=retriever,
        model=gemma,
        reader=default_reader(),
        history=["Why did Alibaba's stock jump on Thursday?"],
    )
    assert "Thursday" in answer.query
    assert any("jumped 7% on Thursday" in c.text for c in answer.citations)


def test_cli_ask_json_validates(capsys, seeds):
    assert main(["ingest", str(seeds)]) == 0
    capsys.readouterr()
    assert main(["ask", TUESDAY_Q, "--json"]) == 0
    answer = Answer.model_validate_json(capsys.readouterr().out)
    assert answer.citations and answer.timings.total_ms > 0
    assert main(["ask", TUESDAY_Q]) == 0
    out = capsys.readouterr().out
    assert "8.1%" in out and "Sources:" in out


def test_cli_ask_with_llm_server_down_is_one_clear_line(capsys, seeds, monkeypatch):
    from conftest import free_port

    assert main(["ingest", str(seeds)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("RAG_LLM_PROVIDER", "openai")
    monkeypatch.setenv("RAG_LLM_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("RAG_LLM_MAX_RETRIES", "0")
    assert main(["ask", TUESDAY_Q]) == 1  # a served model reads the passages: it is needed
    err = capsys.readouterr().err
    assert "cannot reach the LLM server" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    monkeypatch.setenv("RAG_LLM_READS", "false")  # code reads them
    assert main(["ask", TUESDAY_Q]) == 0  # the reader answers: no model is needed
    assert main(["ask", MOONSHOT_Q]) == 0


def test_specific_terms_are_names_figures_and_long_or_rare_words():
    terms = specific_terms(
        "Which rival of Apple's iPhone sold the most units in 2024 in Newcastle?"
    )
    assert {"appl", "iphon", "2024", "newcastl"} <= terms
    assert not {"rival", "most", "sold", "unit"} & terms  # loose words may be said otherwise
    assert "revenu" in specific_terms("What was the revenue?")  # long words count
    # the noun after 'which' is what the answer is, not a word the sentence must hold
    assert "organ" not in specific_terms("Which organization flagged corruption?")
    assert "replac" in specific_terms("What replaced Hounslow Heath Aerodrome in 1920?")


def test_spellings_and_initials_meet():
    assert content_terms("The U.S. licences were organised") == content_terms(
        "the US licenses were organized"
    )
    # titles news writes either way, and a doer with what they did
    assert content_terms("Who is Tencent's chief executive?") == {"tencent", "ceo"}
    assert content_terms("Tencent CEO Pony Ma") >= {"tencent", "ceo"}
    assert "ceo" in specific_terms("Who is the chief executive of Nvidia?")
    assert content_terms("Who founded Alibaba?") <= content_terms("Alibaba founder Jack Ma")


def test_the_readme_questions_about_people_are_answered(retriever):
    for question, name in (
        ("Who is Tencent's chief executive?", "Pony Ma"),
        ("Who founded Alibaba?", "Jack Ma"),
    ):
        answer, _ = ask(retriever, [], question=question)
        assert answer.text.startswith(name), (question, answer.text, answer.flags)
    answer, _ = ask(retriever, [], question="Who is the chief executive of Nvidia?")
    assert answer.abstained  # the seeds name Tencent's and BYD's, not Nvidia's


def test_a_name_is_bound_to_the_question_word_not_across_a_comma():
    from rag.answer.phrases import typed_phrase
    from rag.core.text import content_terms

    sentence = (
        "Investors saw Xi's meeting with tech leaders, including Alibaba founder Jack Ma, "
        "Tencent CEO Pony Ma, and BYD CEO Wang Chuanfu, as a sign."
    )
    question = "Who is Tencent's chief executive?"
    phrase = typed_phrase(sentence, question, "person", content_terms(question))
    assert phrase is not None and phrase.text == "Pony Ma"


def test_a_figure_is_bound_to_the_year_the_question_names():
    from rag.answer.phrases import typed_phrase
    from rag.core.text import content_terms

    sentence = "Farm workers were 12.5% of the labour force in 2020, down from 41.0% in 1950."
    for year, share in (("1950", "41.0%"), ("2020", "12.5%")):
        question = f"What share of the labour force were farm workers in {year}?"
        phrase = typed_phrase(sentence, question, "quantity", content_terms(question))
        assert phrase is not None and phrase.text == share


def test_a_how_many_question_needs_a_sentence_that_counts_that_thing():
    from rag.answer.kinds import counted_by

    assert counted_by("How many students attend the college?").stems == {"student", "attend"}
    assert counted_by("How many times did it rain?").stems == set()
    assert (
        counted_by("How many main kinds of rock are there?").stems == set()
    )  # 'three major types'
    assert counted_by("What is the price?").stems == set()
    people = counted_by("How many people live in Strasbourg?")
    assert people.people and "inhabitant" in people.stems


def test_another_sentence_stands_in_for_a_figure_only_if_it_names_the_same_thing():
    from rag.answer.kinds import named_in

    assert named_in("What percentage is shown next to Nvidia's ticker?") == {"nvidia"}
    assert named_in("How long is Estonia's border with Russia?") == {"estonia", "russia"}


def test_a_figure_next_to_the_named_ticker_is_not_taken_from_another_sentence(retriever):
    # the sentence naming Nvidia gives its ticker's move; a later sentence's percentage (about
    # Alibaba) must not stand in for it: an unsure reading of it is held back by the rules'
    # sentence, one of the Nvidia sentence stands
    from test_reader import ScriptedReader

    question = "What percentage is shown next to Nvidia's ticker?"
    pool = ScriptedReader({})
    ask(retriever, [], question=question, reader=AnswerReader(pool, 0.5, 0.8))
    read = [s for _before, s in pool.read_pairs]
    nvidia = next(s for s in read if "(NVDA" in s)
    alibaba = next(s for s in read if "Alibaba" in s and "%" in s and "NVDA" not in s)
    wrong = ScriptedReader({alibaba: (0.75, re.findall(r"[\d.]+%", alibaba)[-1])})
    answer, _ = ask(retriever, [], question=question, reader=AnswerReader(wrong, 0.5, 0.8))
    assert answer.abstained and "rules chose another sentence" in answer.flags[-1]
    right = ScriptedReader({nvidia: (0.75, "-0.23%")})
    answer, _ = ask(retriever, [], question=question, reader=AnswerReader(right, 0.5, 0.8))
    assert answer.text.startswith("-0.23% [") and answer.evidence == nvidia


def test_a_count_is_whole():
    from rag.answer.kinds import fits

    question = "How many students attend Newcastle University?"
    assert not fits("37.8", question) and fits("21,000", question)
    question = "How many people live in the Marshall Islands?"
    assert not fits("About one-half", question) and not fits("50%", question)
    assert fits("one-fifth", "How many parameters does QwQ-32B have compared with R1?")


def test_yes_or_no_is_read_only_from_a_sentence_that_says_what_is_asked():
    from rag.answer.choose import Candidate
    from rag.answer.yesno import _read_polarity

    question = "Was thalidomide ever approved in the USA?"
    said = Candidate(
        1, "Over 20,000 Americans received thalidomide in a study.", 0, 0, lexical=0.33
    )
    result = Answer(question=question, query=question, text=ABSTAIN, abstained=True,
                    method="abstain", kind="yesno", citations=[], model="none")  # fmt: skip
    assert "yes or a no" in (_read_polarity(result, [said], question) or "")
    assert result.abstained and result.text == ABSTAIN
    never = Candidate(2, "Thalidomide was never approved in the USA.", 0, 1, lexical=0.9)
    assert _read_polarity(result, [said, never], question) is None
    assert result.text == "No [2]" and result.evidence == never.text


def test_the_names_a_sentence_gives_as_examples_are_not_the_doer():
    from rag.answer.phrases import typed_phrase
    from rag.core.text import content_terms

    sentence = (
        "To produce the reports, Mahbub ul Haq formed a group of economists including "
        "Paul Streeten, Frances Stewart and Meghnad Desai."
    )
    for question, name in (
        ("Who launched the reports?", "Mahbub ul Haq"),
        ("Which economists were among the group?", "Paul Streeten"),
    ):
        phrase = typed_phrase(sentence, question, "person", content_terms(question))
        assert phrase is not None and phrase.text == name


def test_a_phrase_is_held_by_the_heavier_words_of_the_question():
    from rag.answer.phrases import _nearest
    from rag.answer.spans import Phrase

    sentence = "Lee said on Monday that Acme hired Wu."
    found = [Phrase("Lee", 0, 3), Phrase("Wu", 35, 37)]
    asked = {"say", "acm", "hire"}  # stems: 'said' is a form of 'say'

    def pick(weights):
        chosen = _nearest(found, sentence, asked, lambda p: 0, weights)
        return chosen.text if chosen else None

    assert pick(None) == "Lee"  # every word of the question anchors alike: 'said' is nearest
    assert pick({"say": 0.1, "acm": 1.0, "hire": 0.6}) == "Wu"  # 'said' is a loose word


def test_forms_of_a_word_meet_and_a_hyphenated_word_meets_its_joined_form():
    from rag.core.text import content_terms

    assert content_terms("When was he born?") & content_terms("His birthday (14 December 1895)")
    assert content_terms("Who wrote it?") & content_terms("It was written by Burke.")
    assert content_terms("Where did mosaic begin?") >= {"start"} <= content_terms("starting in")
    assert "relaunch" in content_terms("The station was officially re-launched in 2011.")


def test_a_count_of_people_is_said_next_to_its_figure():
    from rag.answer import Citation
    from rag.answer.checks import figure_problem
    from rag.answer.choose import Candidate
    from rag.answer.spans import quantities

    def problem(sentence, question):
        cand = Candidate(n=1, text=sentence, start=0, rank=0)
        cites = [Citation(n=1, chunk_id="c", article_id="a", title="t", date=None, source="s",
                          start=0, end=1,
                          text=sentence)]  # fmt: skip
        return figure_problem(quantities(sentence)[0], cand, question, cites)

    question = "How many people lived in the city in 2013?"
    assert problem("In 2013, the city proper had 275,718 inhabitants.", question) is None
    dead = "Official figures stated that 69,197 were confirmed dead, and 374,176 injured."
    assert problem(dead, "How many people were confirmed dead?") is None
    assert problem("People say the Neolithic began in the Levant about 8,800 years ago.", question)
    assert problem("Its cables run 17,000 km to the people.", "How many people work there?")


def test_a_which_question_prefers_a_sentence_naming_a_thing_of_its_noun():
    from rag.answer.kinds import asked_noun, names_noun

    assert asked_noun("Which gland sets off puberty?") == "gland"
    assert asked_noun("What kinds of music are left out?") is None
    assert names_noun("This is triggered by the pituitary gland.", "gland")
    assert not names_noun("Puberty changes which gland grows.", "gland")


@pytest.mark.parametrize(
    "question, said",
    [
        ("And why?", "nothing to follow up: ask the whole question"),
        ("What about it?", "nothing to follow up"),
        ("Why?", "the question names nothing to look for"),
    ],
)
def test_a_question_with_nothing_to_search_says_so(retriever, question, said):
    answer, model = ask(retriever, [], question=question)
    assert answer.abstained and answer.flags[0].startswith(said) and model.calls == []
    followed, _ = ask(retriever, ["8.1%"], question=question, history=[TUESDAY_Q])
    assert not followed.flags or not followed.flags[0].startswith(said)


def test_an_unsure_reader_is_checked_against_the_rules_sentence(retriever):
    """End to end on the seeds: the rules choose the 8.1% sentence for the Tuesday question;
    an unsure reading of that sentence stands, one of another sentence abstains."""
    from test_reader import ScriptedReader

    rules, _ = ask(retriever, [])
    pool = ScriptedReader({})
    ask(retriever, [], reader=AnswerReader(pool, 0.5, 0.8))
    read = [s for _before, s in pool.read_pairs]
    assert rules.evidence in read
    wrong = next(s for s in read if "Alibaba" in s and s != rules.evidence)
    for sentence, agreed in ((rules.evidence, True), (wrong, False)):
        reader = AnswerReader(ScriptedReader({sentence: (0.75, sentence.split()[-1])}), 0.5, 0.8)
        answer, model = ask(retriever, [], reader=reader)
        assert model.calls == [] and answer.reader_score == 0.75
        assert answer.abstained is not agreed, sentence
        assert agreed or "rules chose another sentence" in answer.flags[-1]


def test_an_instruction_is_answered_with_the_sentences_about_what_it_names(retriever):
    """'Tell me about ...' and 'Explain ...' ask for an overview: the best sentences about
    what they name, quoted, never a phrase, and no 'the sentence does not mention explain'."""
    for question in ("Tell me about Alibaba's AI chips", "Explain the H20 chip sales to China"):
        answer, model = ask(retriever, [], question=question)
        assert model.calls == [] and answer.kind == "summary" and not answer.abstained
        assert answer.method == "extractive" and len(answer.cited) >= 1, answer.flags


def test_a_follow_up_is_searched_with_the_question_before_but_read_as_asked(retriever):
    """Given 'Which chips ...? And when was it forced to stop?' as one question, the reader
    answered the first; it reads the follow-up alone, from the passages both found."""
    first = "Which chips will Nvidia resume shipping to China?"
    answer, _ = ask(retriever, [], question="And when was it forced to stop?", history=[first])
    assert answer.query.startswith(first)  # searched with the question before
    assert answer.text.startswith("April") and "H20" not in answer.text.split(" [")[0]


def test_of_two_sentences_saying_a_yes_no_question_the_reader_chooses(retriever):
    """Two sentences say most of 'Did Alibaba's stock jump on Thursday?': the rules' first
    is read unless the learned reader scores the other higher."""
    from test_reader import ScriptedReader

    question = "Did Alibaba's stock jump on Thursday?"
    pool = ScriptedReader({})
    first, _ = ask(retriever, [], question=question, reader=AnswerReader(pool))
    read = [s for (_, s), q in zip(pool.read_pairs, pool.questions, strict=True) if q == question]
    assert len(read) == 2 and first.evidence == read[0] and first.text.startswith("Yes")
    # the Yes read, its day was asked as 'When did Alibaba's stock jump?' (rag.answer.slots)
    assert set(pool.questions) == {question, "When did Alibaba's stock jump?"}
    other = ScriptedReader({read[1]: (0.9, read[1].split()[0])})
    answer, model = ask(retriever, [], question=question, reader=AnswerReader(other))
    assert model.calls == [] and answer.evidence == read[1]


@pytest.mark.parametrize(
    ("question", "before", "read_as"),
    [
        ("What does he want the Legislature to do?", "Who is Keith Gambill?",
         "What does Keith Gambill want the Legislature to do?"),
        ("What did her union ask for?", "Where does Angela Cooper teach?",
         "What did Angela Cooper's union ask for?"),
        ("Who told her about it?", "Where does Angela Cooper teach?",
         "Who told Angela Cooper about it?"),
        # 'it' may be the stock, not the company; two names or two pronouns: left as asked
        ("And how much did it rise?", "Why did Alibaba's stock jump on Thursday?",
         "And how much did it rise?"),
        ("What did he say?", "Did Trump call Zelensky?", "What did he say?"),
        ("Did he tell her?", "Who is Keith Gambill?", "Did he tell her?"),
    ],
)  # fmt: skip
def test_a_follow_up_s_pronoun_is_read_as_the_name_before(question, before, read_as):
    from rag.answer.followup import with_name

    assert with_name(question, before) == read_as


def test_who_is_someone_keeps_the_title_before_the_name():
    from rag.answer.read import with_title

    said = "Indiana State Teachers Association President Keith Gambill told the crowd."
    end = len("Indiana State Teachers Association")
    for asked in ("Who is Keith Gambill?", "Who is Gambill?"):
        assert said[: with_title(asked, said, end)].endswith("Association President")
    assert with_title("Who spoke to the crowd?", said, end) == end
    other = "Union President Ann Lee met Gambill."
    assert with_title("Who is Gambill?", other, len("Union")) == len("Union")  # another's title


def test_who_is_someone_is_not_answered_with_another_person():
    from rag.answer.read import _another_person

    assert _another_person("Tim Cook", "Marc Benioff")
    assert not _another_person("Marc Benioff", "Marc Benioff")
    assert not _another_person("Salesforce founder and co-CEO", "Marc Benioff")
    assert not _another_person("Indiana State Teachers Association President", "Keith Gambill")
