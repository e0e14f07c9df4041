"""A yes/no question's last detail asked of the shipped reader as a wh-question
(rag.answer.slots): another year, place or person, read confidently, answers No."""

import pytest

from rag.answer.choose import Candidate
from rag.answer.slots import Slot, another_value, slots
from rag.reader.model import Reading, shipped_reader


@pytest.fixture(scope="module")
def reader():
    return shipped_reader()


def _pool(*sentences: str) -> list[Candidate]:
    return [Candidate(n, text, 0, n) for n, text in enumerate(sentences, start=1)]


def test_the_last_detail_becomes_a_wh_question():
    assert slots("Was Hipcricket sold in 2014?") == [
        Slot("year", "2014", "When was Hipcricket sold?")
    ]
    assert slots("Were King and Weeks abducted in Kandahar?") == [
        Slot("place", "Kandahar", "Where were King and Weeks abducted?")
    ]
    assert slots("Is Avinoam Rubinstain my6sense's Chief Strategy Officer?") == [
        Slot("who", "Avinoam Rubinstain", "Who is my6sense's Chief Strategy Officer?")
    ]
    assert slots("Did PG&E cut power in October?") == [
        Slot("day", "October", "When did PG&E cut power?")
    ]
    # a question without such a detail asks nothing of the reader
    assert slots("Did Tim Cook visit Salesforce's Dreamforce conference?") == []
    assert slots("Was South Dakota's youth meth rate below the national average?") == []


def test_another_year_or_place_read_from_a_sentence_about_the_question_answers_no(reader):
    sold = "Braiker led Hipcricket until he sold Hipcricket to Augme Technologies in 2011."
    found = another_value("Was Hipcricket sold in 2014?", _pool(sold), reader)
    assert found is not None and found[0].text == sold and "2011" in found[1]
    taken = "King and Weeks were abducted by gunmen in the heart of the Afghan capital, Kabul."
    found = another_value("Were King and Weeks abducted in Kandahar?", _pool(taken), reader)
    assert found is not None and found[0].n == 1
    reports = "Lowe's will report its third-quarter earnings on Wednesday before the opening bell."
    found = another_value("Did Lowe's report earnings on Tuesday?", _pool(reports), reader)
    assert found is not None and found[1] == "Wednesday"
    assert another_value("Did Lowe's report earnings on Wednesday?", _pool(reports), reader) is None


def test_the_asked_value_or_an_unrelated_sentence_settles_nothing(reader):
    sold = "Braiker led Hipcricket until he sold Hipcricket to Augme Technologies in 2011."
    assert another_value("Was Hipcricket sold in 2011?", _pool(sold), reader) is None
    elsewhere = "The stadium was sold to the city in 2016."
    assert another_value("Was Hipcricket sold in 2014?", _pool(elsewhere), reader) is None


class _Scripted:
    """A reader that gives each sentence a fixed answers-here and the span of a fixed
    phrase: the choice among readings is what is tested, not the model."""

    def __init__(self, readings: dict[str, tuple[float, str]]) -> None:
        self.readings = readings

    def read(self, question: str, pairs: list[tuple[str, str]]) -> list[Reading]:
        out = []
        for _, sentence in pairs:
            here, phrase = self.readings[sentence]
            at = sentence.index(phrase)
            out.append(Reading(here, 5.0, at, at + len(phrase)))
        return out


def test_a_sentence_that_gives_the_asked_person_outweighs_another_reading():
    ceo = "Ivan served as the CEO of Hipcricket from 2004 to 2014."
    said = "Hipcricket's CEO, said Avinoam Rubinstain, was a pioneer."
    question = "Was Ivan Braiker the CEO of Hipcricket?"
    both = _Scripted({ceo: (0.95, "Ivan"), said: (0.99, "Avinoam Rubinstain")})
    assert another_value(question, _pool(ceo, said), both) is None
    alone = _Scripted({said: (0.99, "Avinoam Rubinstain")})
    found = another_value(question, _pool(said), alone)
    assert found is not None and found[1] == "Avinoam Rubinstain"
    unsure = _Scripted({said: (0.5, "Avinoam Rubinstain")})
    assert another_value(question, _pool(said), unsure) is None
