from conftest import ALIBABA_THURSDAY, ALIBABA_TUESDAY, SEEDS

from rag.core.clean import clean_text
from rag.core.text import split_sentences

BOILERPLATE = [
    "Unlock stock picks and a broker-level newsfeed that powers Wall Street. Upgrade Now",
    "Image source: Getty Images.",
    "Wang HE/Getty Images",
]


def _sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_seed_boilerplate_is_removed():
    for name in (ALIBABA_TUESDAY, ALIBABA_THURSDAY):
        cleaned = clean_text((SEEDS / name).read_text())
        for junk in BOILERPLATE:
            assert junk not in cleaned


def test_article_sentences_are_kept():
    for name in (ALIBABA_TUESDAY, ALIBABA_THURSDAY):
        raw = (SEEDS / name).read_text()
        cleaned = clean_text(raw)
        for junk in BOILERPLATE:
            raw = raw.replace(junk, "\n")
        sentences = _sentences(raw)
        assert len(sentences) > 15
        flat = " ".join(cleaned.split())  # cleaning normalises no-break spaces
        for sentence in sentences:
            assert " ".join(sentence.split()) in flat, sentence


def test_glued_promo_leaves_the_sentence_before_it():
    text = (
        "It should grow across e-commerce, cloud, and digital finance.Unlock stock picks and "
        "a broker-level newsfeed that powers Wall Street. Upgrade Now\nNext line."
    )
    assert (
        clean_text(text)
        == "It should grow across e-commerce, cloud, and digital finance.\nNext line."
    )


def test_sentences_mentioning_images_or_getty_survive():
    text = (
        "Getty Images reported revenue of $900 million.\n"
        "The image source was disputed by analysts at Reuters.\n"
        "Photo agencies such as Reuters and AFP cut staff."
    )
    assert clean_text(text) == text


def test_whitespace_is_normalised():
    assert clean_text("a  \r\n\r\n\r\n\r\nb\u00a0c\n") == "a\n\nb c"


def test_publishers_notices_and_pointers_are_removed_and_the_news_kept():
    """Lines real layouts leave (issue 39): reprint and copyright notices, error banners,
    'Read more:' links, image credits, a press release's closing 'please visit'."""
    news = "Alibaba set the price of its Hong Kong listing on Wednesday."
    raw = "\n".join([
        news,
        "- Order Reprints",
        "- Print Article",
        "This copy is for your personal, non-commercial use only. To order presentation-ready "
        "copies for distribution visit http://www.djreprints.com.",
        "An error has occurred, please try again later.",
        "Copyright ©2019 Dow Jones & Company, Inc. All Rights Reserved",
        "Read more: Tencent profit falls as Alibaba threat weighs",
        "Main image credit: Getty",
        "GET FOX BUSINESS ON THE GO BY CLICKING HERE",
        "The exchange links buyers and sellers. For more information, please visit www.example.com.",
        "Readers who want more can read more: the filing runs to 300 pages.",
        "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.",
        "Listen to Newsbeat live at 12:45 and 17:45 weekdays - or listen back here.",
        "Follow the money on Twitter, she said.",
        "Subscribe to 9to5Mac on YouTube for more Apple news:",
        "Follow @BGRDeals on Twitter to keep up with the latest deals from around the web.",
    ])  # fmt: skip
    cleaned = clean_text(raw)
    assert [line for line in cleaned.splitlines() if line.strip()] == [
        news,
        "The exchange links buyers and sellers.",
        "Readers who want more can read more: the filing runs to 300 pages.",
        "Follow the money on Twitter, she said.",
    ]


def test_footnote_markers_leave_the_sentence_and_the_notes():
    """A press release's footnote references (issue 37: 'per shift[1]' in a brief's summary)
    go; a list of the notes and brackets that are no footnote stay."""
    raw = (
        "Care givers face up to 1,000 alarms per shift [1], even though up to 99% of those do "
        "not require intervention [2].\nSales rose 4%[3] in May.\n"
        "[1] Alarm fatigue: impacts on patient safety.\nThe index [ten stocks] held."
    )
    assert clean_text(raw).splitlines() == [
        "Care givers face up to 1,000 alarms per shift, even though up to 99% of those do "
        "not require intervention.",
        "Sales rose 4% in May.",
        "[1] Alarm fatigue: impacts on patient safety.",
        "The index [ten stocks] held.",
    ]
