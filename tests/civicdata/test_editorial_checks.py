from civicdata import editorial_checks as checks

SAMPLE_REPETITION = (
    "So in a broad sense, there is a shared incentive to bring their data together So in a "
    "broad sense, there is a shared incentive to bring their data together."
)


def test_repeated_sentence_is_found_even_without_a_full_stop_between_copies():
    assert checks.repeated_passages(SAMPLE_REPETITION) == [
        "So in a broad sense, there is a shared incentive to bring their data together"
    ]


def test_text_without_repetition_has_no_finding():
    text = "Data sources are imperfect. Funding models differ. Teams collaborate across agencies."
    assert checks.repeated_passages(text) == []


def test_short_repeated_phrases_are_style_not_mistakes():
    assert checks.repeated_passages("In fact, it works. In fact, it fails.") == []


def test_pullquote_with_the_texts_words_stands_in_it():
    text = "We can see the whole sector anew, full of fresh ideas. Another sentence."
    assert checks.quote_stands_in("the whole sector anew, full of fresh ideas", text)


def test_a_pullquote_stands_in_text_that_emphasizes_its_words():
    text = "Funding comes and goes. The _policy_ of **open data** is what stays."
    assert checks.quote_stands_in("The policy of open data is what stays.", text)
    assert checks.quote_stands_in("the *policy* of __open data__", text)


def test_misquoted_pullquote_is_shown_with_the_nearest_sentence():
    text = (
        "Some other sentence here. This understanding allows us to see the sector, "
        "one that is not just wary of pitfalls but is also full of fresh ideas. The end."
    )
    quote = (
        "This understanding allows us to see the sector, not just wary of pitfalls, "
        "but also full of fresh ideas and a renewed promise."
    )
    assert not checks.quote_stands_in(quote, text)
    assert checks.nearest_sentence(quote, text).startswith("This understanding allows us")


def test_image_without_alt_text_is_found():
    assert checks.images_without_alt("![](/media/a.png) and ![A chart](/media/b.png)") == [
        "/media/a.png"
    ]


def test_very_long_paragraph_is_found_and_short_one_is_not():
    long_text = " ".join(["word"] * (checks.LONG_PARAGRAPH_WORDS + 1))
    assert len(checks.long_paragraphs(long_text + "\n\nShort one.")) == 1


def test_heading_that_skips_a_level_is_found():
    assert checks.skipped_heading_levels([(2, "A"), (4, "B"), (3, "C"), (2, "D")]) == [(2, 4, "B")]


def test_of_two_equally_near_sentences_the_earlier_is_shown():
    text = "Cats sit on warm mats. Nothing else here at all. Bats sit on warm mats."
    assert checks.nearest_sentence("Rats sit on warm mats", text) == "Cats sit on warm mats."


def test_misquote_spanning_two_sentences_is_shown_with_both():
    text = "First part of the idea. Second part follows here. Unrelated closing words."
    quote = "First part of an idea, second part follows there"
    assert not checks.quote_stands_in(quote, text)
    assert checks.nearest_sentence(quote, text) == (
        "First part of the idea. Second part follows here."
    )


def test_several_pullquotes_are_checked_against_one_prepared_text():
    text = checks.QuotedText("Funding is short. Partners share data when trust is built.")
    assert text.stands_in("partners share data")
    assert not text.stands_in("partners sell data")
    assert text.nearest_sentence("partners sell data") == (
        "Partners share data when trust is built."
    )
