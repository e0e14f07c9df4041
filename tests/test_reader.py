"""The learned reader: one input layout for training and inference, the shipped model's
checksum, and what it reads on the seed articles."""

import shutil

import pytest
from tokenizers import Tokenizer

from rag.core.errors import ConfigError
from rag.reader.encode import encode, plain, token_span
from rag.reader.model import MODEL_DIR, MODEL_FILE, Reader, sha256, shipped_reader

TUESDAY = (
    "Shares of Chinese e-commerce giant Alibaba (BABA) rallied 8.1% on Tuesday after Nvidia "
    "said it would resume sales of its H20 chips to China."
)


@pytest.fixture(scope="module")
def tokenizer():
    return plain(Tokenizer.from_file(str(MODEL_DIR / "tokenizer.json")))


def test_layout_marks_the_sentence_and_maps_tokens_back_to_characters(tokenizer):
    enc = encode(tokenizer, "How much did Alibaba rally?", TUESDAY, "Markets rose.")
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    assert enc.ids[0] == cls and enc.ids.count(sep) == 3 and enc.ids[-1] == sep
    assert enc.type_ids[: enc.ids.index(sep) + 1] == [0] * (enc.ids.index(sep) + 1)
    at = TUESDAY.index("8.1%")
    first, last = token_span(enc, at, at + 4)
    a, b = enc.offsets[first - enc.first][0], enc.offsets[last - enc.first][1]
    assert TUESDAY[a:b] == "8.1%"


def test_a_span_cut_off_by_truncation_is_no_label(tokenizer):
    long = "word " * 200 + "the answer is 1937."
    enc = encode(tokenizer, "When?", long)
    assert token_span(enc, long.index("1937"), long.index("1937") + 4) is None


def test_shipped_model_matches_its_checksum_and_budget():
    path = MODEL_DIR / MODEL_FILE
    listed = (MODEL_DIR / "SHA256SUMS").read_text().split()
    assert listed == [sha256(path), MODEL_FILE]
    assert path.stat().st_size <= 30_000_000
    assert (MODEL_DIR / "MODEL_CARD.md").is_file()


def test_a_changed_model_file_is_refused(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(MODEL_DIR, folder)
    data = bytearray((folder / MODEL_FILE).read_bytes())
    data[-100] ^= 0xFF
    (folder / MODEL_FILE).write_bytes(bytes(data))
    with pytest.raises(ConfigError, match="sha256"):
        Reader(folder)


def test_reads_the_answering_sentence_and_span_of_a_seed():
    reader = shipped_reader()
    pairs = [
        ("", "Alibaba is a Chinese e-commerce company based in Hangzhou."),
        ("", TUESDAY),
        ("", "Nvidia had stopped the sales in April under US export rules."),
    ]
    readings = reader.read("By how much did Alibaba shares rally on Tuesday?", pairs)
    best = max(range(3), key=lambda i: readings[i].here)
    assert best == 1 and readings[1].here > 0.5
    assert TUESDAY[readings[1].start : readings[1].end] == "8.1%"
    unrelated = reader.read("Who won the 1998 World Cup?", pairs)
    assert max(r.here for r in unrelated) < 0.5


class ScriptedReader:
    """Answers-here probabilities and spans given per sentence text; records what it read."""

    def __init__(self, script):
        self.script, self.read_pairs, self.questions = script, [], []

    def read(self, question, pairs):
        from rag.reader.model import Reading

        self.read_pairs += pairs
        self.questions += [question] * len(pairs)
        out = []
        for _before, sentence in pairs:
            here, span = self.script.get(sentence, (0.01, sentence.split()[0]))
            at = sentence.index(span)
            out.append(Reading(here=here, span=1.0, start=at, end=at + len(span)))
        return out


def _answer_for():
    from rag.answer import Answer

    return Answer(question="q?", query="q?", text="", abstained=True, method="abstain",
                  citations=[], model="m")  # fmt: skip


def test_read_answer_takes_the_most_likely_sentence_and_trims_its_span():
    from rag.answer.choose import Candidate
    from rag.answer.read import AnswerReader, read_answer

    cands = [
        Candidate(n=1, text="Alibaba is based in Hangzhou.", start=0, rank=0),
        Candidate(n=2, text="Shares rallied 8.1%, the most since May.", start=0, rank=1),
        Candidate(n=3, text="A title that says 9.9%", start=0, rank=2, title=True),
    ]
    script = {cands[1].text: (0.9, "8.1%,"), cands[2].text: (0.5, "9.9%")}
    reader = ScriptedReader(script)
    result = _answer_for()
    assert read_answer(result, cands, AnswerReader(reader, 0.5)) is None
    assert (result.text, result.method, result.evidence_n) == ("8.1% [2]", "reader", 2)
    assert result.reader_score == 0.9 and not result.abstained
    assert ("", cands[1].text) in reader.read_pairs  # each sentence alone
    assert any(s == cands[2].text for _b, s in reader.read_pairs)  # titles are read too


def test_read_answer_abstains_below_the_threshold():
    from rag.answer.choose import Candidate
    from rag.answer.read import AnswerReader, read_answer

    cands = [Candidate(n=1, text="Alibaba is based in Hangzhou.", start=0, rank=0)]
    result = _answer_for()
    why = read_answer(result, cands, AnswerReader(ScriptedReader({}), 0.5))
    assert why is not None and "0.01 < 0.5" in why
    assert result.abstained and result.reader_score == 0.01


def _unsure_reading():
    from rag.answer.choose import Candidate

    cands = [
        Candidate(n=1, text="Alibaba is based in Hangzhou.", start=0, rank=0),
        Candidate(n=2, text="Shares rallied 8.1%, the most since May.", start=0, rank=1),
    ]
    return cands, ScriptedReader({cands[1].text: (0.75, "8.1%")})


def test_an_unsure_reading_stands_only_where_the_rules_choose_the_same_sentence():
    from rag.answer.read import AnswerReader, read_answer

    cands, reader = _unsure_reading()
    agreed = _answer_for()
    assert read_answer(agreed, cands, AnswerReader(reader, 0.5, 0.8), lambda: cands[1]) is None
    assert agreed.text == "8.1% [2]" and not agreed.abstained
    for rules in (cands[0], None):  # another sentence, or the rules would abstain
        vetoed = _answer_for()
        why = read_answer(vetoed, cands, AnswerReader(reader, 0.5, 0.8), lambda r=rules: r)
        assert (
            why == "the reader is unsure (0.75 < 0.8) and the answer rules chose another sentence"
        )
        assert vetoed.abstained and vetoed.reader_score == 0.75


def test_a_sure_reading_does_not_ask_the_rules():
    from rag.answer.read import AnswerReader, read_answer

    cands, reader = _unsure_reading()

    def never():
        raise AssertionError("the rules were asked")

    result = _answer_for()
    assert read_answer(result, cands, AnswerReader(reader, 0.5, 0.7), never) is None
    assert result.text == "8.1% [2]"


def test_training_reads_the_sentence_after_the_answer_as_a_negative():
    from rag.reader.data import examples

    context = "The bridge opened in 1937. It is red. Tolls rose in 2019."
    article = {"title": "Bridge", "paragraphs": [{"context": context, "qas": [
        {"id": "q1", "question": "When did the bridge open?",
         "answers": [{"text": "1937", "answer_start": context.index("1937")}]}]}]}  # fmt: skip
    without = examples([article], seed=1, easy_share=0.0, drop_before=1.0)
    assert all(not e.before for e in without)
    got = examples([article], seed=1, easy_share=0.0, drop_before=1.0, after_share=1.0)
    after = [e for e in got if e.before]
    assert [(e.sentence, e.before, e.start) for e in after] == [
        ("It is red.", "The bridge opened in 1937.", -1)
    ]
    positive = next(e for e in got if e.start >= 0)
    assert positive.sentence[positive.start : positive.end] == "1937"


def test_unpacked_weights_reproduce_the_shipped_reader():
    """Training can go on from the shipped int8 file when its run folder is gone."""
    import numpy as np
    import torch

    from rag.reader.train import base_dir, batch_tensors, load_reader
    from rag.reader.unpack import load_shipped

    model, tok = load_reader(base_dir())
    load_shipped(model)
    model.eval()
    question = "When did Alibaba shares rally?"
    with torch.no_grad():
        b = batch_tensors([(encode(tok, question, TUESDAY), 0, 0, 0)])
        start, end, here = model(b["ids"], b["mask"], b["types"])
    reading = shipped_reader().read(question, [("", TUESDAY)])[0]
    assert abs(float(torch.sigmoid(here[0])) - reading.here) < 0.05
    enc = encode(tok, question, TUESDAY)
    s = start[0, enc.first : enc.first + len(enc.offsets)].numpy()
    e = end[0, enc.first : enc.first + len(enc.offsets)].numpy()
    i, j = int(np.argmax(s)), int(np.argmax(e))
    assert TUESDAY[enc.offsets[i][0] : enc.offsets[j][1]] == TUESDAY[reading.start : reading.end]


def test_a_figure_keeps_its_sign_and_per_cent_sign():
    from rag.answer.choose import Candidate
    from rag.answer.read import AnswerReader, read_answer, whole_figure

    quote = "Shares of Alibaba (BABA -1.71%) fell after the 2010-2014 slump."
    cands = [Candidate(n=1, text=quote, start=0, rank=0)]
    result = _answer_for()
    read_answer(result, cands, AnswerReader(ScriptedReader({quote: (0.9, "1.71")}), 0.5))
    assert result.text == "-1.71% [1]"
    at = quote.index("2014")
    assert whole_figure(quote, at, at + 4) == (at, at + 4)  # a range's dash is no minus


@pytest.mark.parametrize(
    "sentence, span, shown",
    [
        ("Petrobras reported a net income of 13.3 billion reais in the quarter.",
         "13.3 billion", "13.3 billion reais"),
        ("Europa is some 390 million miles away from Earth.", "390 million", "390 million miles"),
        ("The deal is worth $40-50 billion, people said.", "50 billion", "$40-50 billion"),
        ("The firm paid $300M for the label.", "300M", "$300M"),
        ("Revenue rose 12% to 4.5 billion euros.", "4.5", "4.5 billion euros"),
    ],
)  # fmt: skip
def test_a_figure_keeps_its_currency_unit_and_range(sentence, span, shown):
    """The reader's span of a figure is widened to the figure as the article writes it, by the
    one figure parser the answer rules use (issue 56: '390 million' for '390 million miles')."""
    from rag.answer.read import _trimmed, whole_figure

    at = sentence.index(span)
    assert _trimmed(sentence, *whole_figure(sentence, at, at + len(span))) == shown


def test_a_time_of_day_keeps_its_a_m():
    from rag.answer.read import _trimmed, whole_figure

    said = "Cooper said they left about 4:30 a.m. for the rally, and met at 9am."
    at = said.index("4:30")
    assert _trimmed(said, *whole_figure(said, at, at + 4)) == "4:30 a.m."
    assert _trimmed(said, *whole_figure(said, at, at + len("4:30 a.m."))) == "4:30 a.m."
    nine = said.index("9am")
    assert _trimmed(said, *whole_figure(said, nine, nine + 1)) == "9am"


AMAZON = (
    "The company is worth $317.7 billion, much smaller than its US counterparts like Amazon, "
    "which has a market capitalization of $2.16 trillion."
)


def test_the_span_comes_from_the_clause_that_says_most_of_the_question():
    from rag.answer.choose import Candidate
    from rag.answer.clauses import clause_span, clauses
    from rag.answer.read import AnswerReader, read_answer

    cut = [AMAZON[a:b] for a, b in clauses(AMAZON)]
    assert cut[1] == "Amazon, which has a market capitalization of $2.16 trillion."
    script = {AMAZON: (0.98, "$317.7 billion"), cut[1]: (0.9, "$2.16 trillion")}
    result = _answer_for()
    result.query = "What is Amazon's market value?"
    cands = [Candidate(n=1, text=AMAZON, start=0, rank=0)]
    read_answer(result, cands, AnswerReader(ScriptedReader(script), 0.5))
    assert result.text == "$2.16 trillion [1]" and result.evidence == AMAZON
    # the clause holding the span says as much of the question: the span stands
    at = AMAZON.index("$317.7")
    unsure = ScriptedReader({cut[1]: (0.3, "$2.16 trillion")})
    assert clause_span("What is the company worth?", AMAZON, at, at + 14, unsure) is None
    assert clause_span("What is Amazon's market value?", AMAZON, at, at + 14, unsure) is None
    assert clause_span("When?", TUESDAY, 0, 6, unsure) is None  # one clause


def test_a_span_inside_what_is_only_asked_is_no_answer():
    """'The NYAG's questions include if ... Adam Neumann engaged in self-dealing' does not say
    who engaged in self-dealing: the reader's confident 'Adam Neumann' is held back; the
    same words said as a finding are an answer."""
    from rag.answer.choose import Candidate
    from rag.answer.read import AnswerReader, read_answer

    asked = "The NYAG's questions include if WeWork founder Adam Neumann engaged in self-dealing."
    found = "Adam Neumann engaged in self-dealing, the NYAG found."
    for sentence, answered in ((asked, False), (found, True)):
        cands = [Candidate(n=1, text=sentence, start=0, rank=0)]
        reader = ScriptedReader({sentence: (0.95, "Adam Neumann")})
        result = _answer_for()
        why = read_answer(result, cands, AnswerReader(reader, 0.5))
        assert (why is None) == answered and result.abstained != answered
        assert answered or "only that it is asked" in str(why)


def test_a_span_for_what_is_only_alleged_is_no_answer():
    """'Two officers were charged Tuesday with falsifying records ... Jeffrey Epstein': no one
    is said to have falsified records, so 'Who falsified records?' gets no name; asked of the
    charge itself, the same sentence answers."""
    from rag.answer.choose import Candidate
    from rag.answer.read import AnswerReader, read_answer

    sentence = (
        "Two federal prison officers were charged Tuesday with falsifying records, stating "
        "they had checked on Jeffrey Epstein in the hours before he died."
    )
    cands = [Candidate(n=1, text=sentence, start=0, rank=0)]
    reader = ScriptedReader({sentence: (0.95, "Jeffrey Epstein")})
    result = _answer_for()
    result.question = result.query = "Who falsified records?"
    why = read_answer(result, cands, AnswerReader(reader, 0.5))
    assert "only that it is alleged" in str(why) and result.abstained
    reader = ScriptedReader({sentence: (0.95, "Two federal prison officers")})
    result = _answer_for()
    result.question = result.query = "Who was charged with falsifying records?"
    assert read_answer(result, cands, AnswerReader(reader, 0.5)) is None
    assert result.text.startswith("Two federal prison officers")
