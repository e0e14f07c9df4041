"""Yes/no answers read from the evidence's polarity (issue 39): who won, another figure, instead, the opposite said, another in the asked one's place, only possible,
negation in scope; and the seed examples end to end."""

import pytest

from rag.answer import answer_question
from rag.answer.polarity import yes_or_no


@pytest.mark.parametrize(
    "question, evidence, answer",
    [
        # who won, whichever side the question names
        ("Did Chelsea win the final?", "Arsenal earned a 2-0 win over Chelsea in the final.", "No"),
        ("Did Arsenal beat Chelsea?", "Arsenal earned a 2-0 win over Chelsea in the final.", "Yes"),
        ("Did Osaka lose to Barty?", "Osaka defeated Barty 6-2, 6-4 on Sunday.", "No"),
        # the opposite said, and not the word asked
        ("Did the shares fall on Friday?", "The shares climbed 3% on Friday.", "No"),
        ("Did the plant stop production?", "The plant will resume production next week.", "No"),
        ("Was the plan welcomed by unions?", "Unions condemned the plan on Monday.", "No"),
        ("Was it the team's first title?", "It was the team's third title in five years.", "No"),
        ("Is the new model cheaper than the old one?", "The new model is cheaper than the old one.", "Yes"),
        # negation in the clause that holds the question's words, or on the asked noun
        ("Has the drug been approved in Europe?", "The drug has yet to be approved in Europe.", "No"),
        ("Did the company go ahead with the merger?", "Shares fell after its cancelled merger.", "No"),
        ("Did the bank raise rates?", "The bank raised rates, but it did not signal more hikes.", "Yes"),
        ("Did the minister resign?", "The minister resigned on Tuesday after the vote.", "Yes"),
        # another in the place of the question's last phrase, after the same word
        ("Does Ann Lee work at the University of Ohio?", "Ann Lee, a chemist at the University of Utah, led it.", "No"),
        ("Is the gene found in the lining of the lungs?", "The gene is found in the lining of the gut.", "No"),
        ("Is the gene found in the lining of the gut?", "The gene is found in the lining of the gut.", "Yes"),
        ("Did Nvidia stop shipping chips to China?",
         "Nvidia was forced to stop shipments of its chips to fit the Chinese market.", "Yes"),
        ("Did the man see his doctor in May 2016?", "The man saw his doctor in May 2016, tired.", "Yes"),
        # what only would, could or should be, for a question of fact
        ("Did the agency adopt cheaper rockets?", "Critics say the agency would be better off adopting cheaper rockets.", "No"),
        ("Did the agency adopt cheaper rockets?", "The agency adopted cheaper rockets in 2019.", "Yes"),
        ("Will the agency adopt cheaper rockets?", "The agency could adopt cheaper rockets.", "Yes"),
        ("Is the storm expected to ease by Friday?", "The storm should ease by Friday morning.", "Yes"),
        # another figure for the same word: not the one asked
        ("Did Lee retire at age 60?", "Lee retired in 2010 at age 48, after a career in law.", "No"),
        ("Did Lee retire at age 48?", "Lee retired in 2010 at age 48, after a career in law.", "Yes"),
        ("Did the firm hold six rounds of talks?", "The firm held four rounds of talks.", "No"),
        ("Did the bank say it may cut rates in March?", "The bank said it could cut rates in March.",
         "Yes"),  # 'may' the modal is no month
        ("Did she speak only once at the summit?", "She was asked to speak twice at the summit.", "No"),
        ("Do tickets go on sale on a Monday?", "Tickets go on sale at 10 a.m. Friday, Dec. 6.", "No"),
        ("Were the RS-25 engines tested in Texas?", "The RS-25 engines were tested in Texas.", "Yes"),
        ("Did shares rise 8% on Friday?", "Shares rose 8.1% on Friday.", "Yes"),
        ("Did the fund pay $13 billion to its backers?", "The fund paid backers $12.9bn in all.", "Yes"),
        # what did not happen, 'instead of' it
        ("Did the valley get its usual 5 inches of rain?",
         "The valley saw a fraction of an inch of rain instead of the usual 5 inches.", "No"),
        # the opposite in the clause that holds the question's words
        ("Do they call cutting costs a long-term fix?",
         "Cutting costs is a short-term fix, whereas raising income is a long-term fix.", "No"),
        ("Did the long-awaited game launch?", "The game launched after a short delay.", "Yes"),
        ("Did the company raise its guidance?", "Shares fell after the company cut its guidance.", "No"),
        ("Was the stock up in early trading?", "The stock was down 5% in early trading.", "No"),
        ("Did the chief executive step down?", "The chief executive stepped down on Monday.", "Yes"),
        # a negation the question shares is part of what is asked; an aside is not the answer
        ("Can you take money out without penalty before 59?",
         "You won't be able to take money out without penalty until 59.", "No"),
        ("Can you withdraw contributions tax-free at any time?",
         "You can withdraw contributions — not including any earnings — tax-free, at any time.",
         "Yes"),
        ("Did the analyst call it a disappointing result?",
         "The analyst, who called it a disappointing result, says investors shouldn't fret.",
         "Yes"),
        ("Has reaching Mars been done?", "Staying on the Moon and reaching Mars, however, haven't.",
         "No"),
        ("Did the phone networks keep working during the outages?",
         "Regulators questioned providers whose networks failed during the outages.", "No"),
        ("Did the outage affect 2.5 million people?",
         "The outage affected 2.5 million people, who were angry because it failed to warn them.",
         "Yes"),
        # ninth session: a loss said as 'lost to', another beaten, 'only two' of 'all three',
        # one venue for several
        ("Did the United States beat Canada?", "The United States lost to Canada for the first time.",
         "No"),
        ("Did Nadal beat Rublev?", "Nadal defeated Khachanov after Rublev had rallied to win.",
         "No"),
        ("Did Nadal win his match in Madrid?", "Nadal defeated Khachanov 6-3, 7-6.", "Yes"),
        ("Did all three companies commit to the timeline?",
         "NASA tapped three companies, and only two committed to that timeline.", "No"),
        ("Did all the passengers survive?", "Only two were injured.", "Yes"),
        ("Is the final played across several venues?",
         "All 18 teams play in a single venue in the same week.", "No"),
        # an amount for what the same words pay for ('$300M' read with its scale), the
        # question's own bound said, another named a few words after the asked one's place
        ("Did Ithaca buy Big Machine for $3 billion?", "Ithaca purchased Big Machine for $300M.",
         "No"),
        ("Did Ithaca buy Big Machine for $300 million?", "Ithaca purchased Big Machine for $300M.",
         "Yes"),
        ("Did the campaign cost the state about $1 million?",
         "The campaign cost the state roughly $449,000, the paper said.", "No"),
        ("Does it serve over 100 clients?", "It now serves over 100 clients in Europe.", "Yes"),
        ("Is Swift's new record deal with Sony Music?",
         "Swift has a new record deal in place with Universal Music Group.", "No"),
        # a measure written with its unit: another of the same unit is another figure
        ("Is the Apple Watch Series 3 deal on a 42mm model?",
         "Apple Watch Series 3 38mm Smart Watch for $169.99", "No"),
        ("Does the Dell G3 laptop have a 1TB SSD?",
         "Dell G3 15 GTX 1660 Ti Laptop with 512GB SSD for $799.99", "No"),
        ("Does the Dell G3 laptop have a 512GB SSD?",
         "Dell G3 15 GTX 1660 Ti Laptop with 512GB SSD for $799.99", "Yes"),
        # another qualifier of the question's last word
        ("Is the Alienware monitor a flat panel?",
         "The Alienware monitor has a 34-inch curved IPS panel display.", "No"),
        ("Did the meth campaign include radio ads?",
         "The meth campaign, which includes both digital and TV ads, cost $1 million.", "No"),
        # the qualifier said inside a word, or the same qualifier: no other
        ("Does the LG TV deal come with a Dell gift card?",
         "LG 4K Smart HDTV deal, now $549 plus $50 Dell eGift Card", "Yes"),
        ("Did the meth campaign include TV ads?",
         "The meth campaign, which includes both digital and TV ads, cost $1 million.", "Yes"),
        # a game's result in sports words; the asked place said, then another 'to'
        ("Did Northern Illinois win?",
         "Eastern Michigan rolled past Northern Illinois, 45-17, on Tuesday night.", "No"),
        ("Was Carrie Lam's trip to Beijing a success?",
         "Carrie Lam's recent trip to Beijing - a trip designed to avoid Western monitoring - "
         "was about Beijing offering new guidance.", "Yes"),  # no 'No' (a Yes still needs grounds)
        # a negation reaches past the small words of its noun phrase
        ("Did Volker see a quid pro quo?",
         "Volker confirmed under oath that he had no indication whatsoever of anything that "
         "resembled a quid-pro-quo, she said.", "No"),
    ],
)  # fmt: skip
def test_yes_or_no_reads_the_evidence(question, evidence, answer):
    assert yes_or_no(question, evidence).answer == answer


@pytest.mark.parametrize(
    "question, answer",
    [
        ("Did Alibaba shares fall on Tuesday?", "No"),  # they rallied 8.1%
        ("Is Alibaba worth more than Amazon?", "No"),  # $317.7 billion, much smaller
        ("Did Alibaba's stock jump on Thursday?", "Yes"),
        # Not here: "Did Nvidia say it would stop shipping H20 chips to China?" is No only by
        # the sentence rules alone ('recommence'); the one answer path's reader scores the
        # April sentence ('was forced to stop shipments') higher and answers Yes (notes).
    ],
)
def test_the_seed_examples_are_answered_from_the_evidence(
    seeds_retriever, answer_reader, question, answer
):
    from fakes import ScriptedChatModel

    got = answer_question(
        question, retriever=seeds_retriever, model=ScriptedChatModel([]), reader=answer_reader
    )
    assert got.kind == "yesno" and got.text.split(" [")[0] == answer, got


@pytest.mark.parametrize(
    "question, sentence, context, grounded",
    [
        # names and something of what is asked: a Yes may be read
        ("Did Ithaca Holdings buy Big Machine?", "Braun's Ithaca Holdings purchased Big Machine.",
         "", True),
        # the sentence names Benioff and says nothing of owning a computer
        ("Does Marc Benioff still own a computer?",
         "Cook spoke in a fireside chat with Salesforce co-CEO Marc Benioff.", "", False),
        # no place the question names
        ("Was the fireside chat held in New York?",
         "Cook spoke in a fireside chat with Salesforce co-CEO Marc Benioff.", "", False),
        # a name said in the text before counts
        ("Is the TNG50 universe more than 200 million light-years wide?",
         "Their virtual universe is some 230 million light-years wide.",
         "Scientists created a simulation they call TNG50.", True),
        # about another: Russia, a name the passages write inside a sentence, not Spain
        ("Did Spain play Croatia on Monday?", "Russia beat Croatia on Monday.",
         "Spain meets Croatia on Wednesday. Russia beat Croatia on Monday.", False),
        # the question's subject missing from a sentence that does not refer back to it
        ("Was Neymar at the Davis Cup?", "The Davis Cup Finals is played in a single venue.",
         "Brazil star Neymar was in the crowd.", False),
        ("Was Neymar at the Davis Cup?", "Brazil star Neymar was among the 12,000 fans.",
         "Nadal keeps Spain alive in Davis Cup Finals\nThe tie took eight hours.", True),
        ("Is Fallen Order's story set after the prequels?",
         "The game's story is set after the prequel trilogy.", "Fallen Order is a game.", True),
        # a state asked of a name alone must be said
        ("Is INWEGO free?", "Our offering called INWEGO offers tickets for a flat fee each month.",
         "", False),
        ("Is INWEGO free?", "INWEGO is free for students.", "", True),
        # what is asked after a place must be said: 'a success', not just 'trip'
        ("Was Carrie Lam's trip to Beijing a success?",
         "Carrie Lam's recent trip to Beijing was about Beijing offering new guidance.", "",
         False),
    ],
)  # fmt: skip
def test_a_yes_needs_a_sentence_that_names_and_says_what_is_asked(
    question, sentence, context, grounded
):
    from rag.answer.grounds import grounds_a_yes

    passages = context + " Spain's 2-1 win over Russia."
    assert grounds_a_yes(question, sentence, context + " " + sentence, passages) is grounded


@pytest.mark.parametrize(
    ("question", "sentence", "grounded"),
    [
        # a heading that names the charger says nothing of its colour
        ("Is the RAVPower charger white?", "RAVPower 61W USB-C PD GaN Wall Charger", False),
        ("Is Cal Kestis a Jedi master?", "Fallen Order's story follows Cal Kestis, a Jedi-in-training.",
         False),
        # the asked word before a closing phrase is enough ('Russia' of '... in their ... tie')
        ("Did Spain beat Russia in their Davis Cup Finals tie?",
         "Spain beat Russia 2-1 in the Davis Cup Finals.", True),
        ("Is the RAVPower charger black?", "The RAVPower charger is black like my keyboard.", True),
    ],
)  # fmt: skip
def test_a_yes_needs_the_sentence_to_say_what_is_asked_of_the_subject(question, sentence, grounded):
    from rag.answer.grounds import grounds_a_yes

    assert grounds_a_yes(question, sentence, sentence, sentence) is grounded


def test_the_latest_is_not_the_first():
    evidence = "TNG50 is the latest simulation created by the IllustrisTNG Project."
    assert (
        yes_or_no("Is TNG50 the first simulation of the IllustrisTNG Project?", evidence).answer
        == "No"
    )
    assert yes_or_no("Is TNG50 the latest simulation of the project?", evidence).answer == "Yes"


@pytest.mark.parametrize(
    "question, evidence, answer",
    [
        # a game's score: another score for the same game is a No
        ("Did Argentina beat Chile 2-1?", "Argentina got past Chile 3-0 in Group C.", "No"),
        ("Did Spain beat Russia 2-1?", "The hosts earned a 2-1 win over Russia.", "Yes"),
        # the question's figure said only as what was before it changed
        ("Does Home Depot expect growth of 4% in 2019?",
         "It said growth in 2019 will be 3.5%, compared with prior guidance of 4.0%.", "No"),
        ("Is the growth forecast 4%?", "The firm cut its growth forecast to 3% from 4%.", "No"),
        ("Is the growth forecast 3%?", "The firm cut its growth forecast to 3% from 4%.", "Yes"),
        ("Was the prior guidance for growth 4%?",
         "It said growth in 2019 will be 3.5%, compared with prior guidance of 4.0%.", "Yes"),
        ("Did sales grow 10%?", "Sales grew 10% from a year earlier to 5 million.", "Yes"),
    ],
)  # fmt: skip
def test_another_score_and_a_figure_that_was_before(question, evidence, answer):
    """Issue 39: 'Did Argentina beat Chile 2-1?' against '3-0'; 4% asked of a forecast now
    3.5% ('compared with prior guidance of 4.0%')."""
    assert yes_or_no(question, evidence).answer == answer


def test_a_sentence_opening_with_a_pronoun_says_what_the_one_before_names():
    """'He wasn't a smoker.' says enough of 'Was the man with the duvet a smoker?' with the
    sentence before it; a sentence that names nothing of it with that one does not."""
    from rag.answer.choose import Candidate
    from rag.answer.yesno import _says_enough

    said = Candidate(n=1, text="He wasn’t a smoker.", start=0, rank=0, lexical=0.4, context=0.7)
    assert _says_enough(said)
    assert not _says_enough(Candidate(n=1, text="The band wasn’t a smoker.", start=0, rank=0,
                                      lexical=0.4, context=0.7))  # fmt: skip
    assert not _says_enough(Candidate(n=1, text=said.text, start=0, rank=0, lexical=0.4,
                                      context=0.3))  # fmt: skip


@pytest.mark.parametrize(
    "question, sentence, asked",
    [
        ("Did Adam Neumann engage in self-dealing?",
         "The NYAG's questions include if WeWork founder Adam Neumann engaged in self-dealing.",
         True),
        ("Did the bank mislead investors?",
         "Regulators are investigating whether the bank misled investors.", True),
        ("Did the bank mislead investors?", "The bank misled investors, regulators found.", False),
        # the question's words outside the open question: the rest of the sentence says them
        ("Did Spain win?", "Spain won, and it is unclear whether Nadal will play next week.", False),
        # alleged, claimed, accused: not what happened
        ("Did the CEO commit fraud?", "The CEO is accused of committing fraud, prosecutors said.",
         True),
        ("Did the man steal the car?", "The man allegedly stole the car on Monday.", True),
        ("Did the company break the law?", "The lawsuit alleges that the company broke the law.",
         True),
        ("Did the CEO resign?", "The CEO, accused of fraud last year, resigned on Monday.", False),
        ("Was the CEO charged with fraud?", "The CEO was charged with fraud on Monday.", False),
    ],
)  # fmt: skip
def test_what_is_only_asked_or_alleged_is_neither_yes_nor_no(question, sentence, asked):
    """Never invent: a sentence that says a thing is being asked, looked into or alleged
    grounds no Yes and no No (the answer step abstains and says so)."""
    from rag.answer.grounds import only_asked

    assert bool(only_asked(question, sentence)) == asked


def test_a_lawmakers_party_is_read_from_the_letter_after_the_name():
    evidence = "said Rep. Brian Babin (R-TX), ranking member of the House Science Committee"
    assert yes_or_no("Is Brian Babin a Democrat?", evidence).answer == "No"
    assert yes_or_no("Is Babin a Republican?", evidence).answer == "Yes"
    assert yes_or_no("Is Brian Babin in the GOP?", evidence).answer == "Yes"
