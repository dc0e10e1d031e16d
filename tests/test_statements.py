"""Statement extraction: every quote layout, reported speech per cue family, transcript turns, author
documents, multi-party subjects and the seed article. All sentences are written for these tests."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.statements import extract, find_quotes, statement_id
from analysis.tables import SCHEMA

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_05edefcea0b3be8d.txt"


def run(text: str, author: str = "", published: str = "2023-03-01", article_id: str = "t") -> pd.DataFrame:
    frame = extract({"article_id": article_id, "title": "t", "published": published, "source": "", "url": "",
                     "author": author, "text": text, "origin": "test"})
    # the contract: columns, and text exactly the article's characters
    assert list(frame.columns) == list(SCHEMA["statements"])
    for row in frame.itertuples():
        assert text[row.start:row.end] == row.text
    return frame


def one(frame: pd.DataFrame, words: str) -> pd.Series:
    rows = frame[frame["text"].str.contains(words, regex=False)]
    assert len(rows) >= 1, f"no statement contains {words!r}: {frame[['text', 'speaker']].to_dict('records')}"
    return rows.iloc[0]


# -- direct quotes -----------------------------------------------------------------------------------
def test_straight_double_quote_with_cue_after():
    text = 'The talks stalled again. "We are not going to give up a single village," Zelenskyy said on Monday.'
    row = one(run(text), "single village")
    assert row["kind"] == "direct"
    assert row["text"] == "We are not going to give up a single village"
    assert row["speaker"] == "Volodymyr Zelenskyy" and row["party"] == "Ukraine" and row["cue"] == "said"


def test_curly_quote_with_inverted_cue():
    text = "\u201cThe shelling of the plant must stop at once,\u201d said Rafael Grossi after the visit."
    row = one(run(text), "shelling of the plant")
    assert row["kind"] == "direct" and row["speaker"] == "Rafael Grossi" and row["party"] == "United Nations"


def test_british_single_quotes():
    text = "\u2018We won\u2019t let the grain deal collapse without a fight,\u2019 the Turkish President told reporters."
    row = one(run(text), "grain deal")
    assert row["text"].startswith("We won\u2019t let")
    assert row["kind"] == "direct" and row["party"] == "Turkey"
    assert row["speaker"] == "Recep Tayyip Erdo\u011fan"


def test_split_quote_around_the_cue_gives_both_halves_to_the_speaker():
    text = ('"Our forces are holding the line," Dmitry Peskov said, "and the operation will continue '
            'until its goals are met."')
    frame = run(text)
    first, second = one(frame, "holding the line"), one(frame, "operation will continue")
    assert first["speaker"] == second["speaker"] == "Dmitry Peskov"
    assert first["party"] == second["party"] == "Russia"
    assert "Peskov said" not in first["text"] and "Peskov said" not in second["text"]


def test_quote_running_over_two_paragraphs_is_one_statement():
    text = ('Sergei Lavrov spoke for an hour. He said: "The West has chosen confrontation over dialogue.\n\n'
            '"We did not start this crisis, and we will not be lectured about how to end it."\n\n'
            'The meeting ended without a statement.')
    frame = run(text)
    row = one(frame, "chosen confrontation")
    assert "will not be lectured" in row["text"]
    assert "meeting ended" not in row["text"]
    assert row["speaker"] == "Sergei Lavrov"


def test_colon_introduced_quote():
    text = 'Ursula von der Leyen put it plainly: "Europe will stand with Ukraine for as long as it takes."'
    row = one(run(text), "as long as it takes")
    assert row["kind"] == "direct" and row["party"] == "European Union"
    assert row["speaker"] == "Ursula von der Leyen"


def test_dash_attributed_quote():
    text = ("\u201cThe counteroffensive has only just begun.\u201d \u2013 Foreign Minister Dmytro Kuleba\n\n"
            "Analysts were more cautious.")
    row = one(run(text), "counteroffensive")
    assert row["speaker"] == "Dmytro Kuleba" and row["party"] == "Ukraine"


def test_unbalanced_quote_stays_in_its_paragraph():
    text = ('Jens Stoltenberg said: "Allies will send more air defence systems.\n\n'
            'Separately, the Pentagon announced a new aid package worth $400 million for Kyiv.\n\n'
            'Markets barely moved.')
    frame = run(text)
    quote = one(frame, "air defence")
    assert "Pentagon" not in quote["text"] and "Markets" not in quote["text"]
    assert quote["speaker"] == "Jens Stoltenberg"
    aid = one(frame, "new aid package")
    assert aid["party"] == "United States" and aid["kind"] == "reported"


def test_stray_quote_mark_does_not_crash_or_swallow():
    text = 'He said the figure was 5" too short.\n"\n\nOfficials in Kyiv said repairs would take a week.'
    frame = run(text)
    assert one(frame, "repairs would take a week")["party"] == "Ukraine"


def test_scare_quotes_are_not_statements():
    text = ('Moscow staged votes in which the regions allegedly "chose" to join Russia. '
            'The so-called "referendums" were held at gunpoint.')
    frame = run(text)
    assert not (frame["text"] == "chose").any()
    assert not (frame["text"] == "referendums").any()
    assert not (frame["kind"] == "direct").any()


def test_short_quote_inside_reported_speech_belongs_to_the_clause():
    text = 'Kuleba said the proposal was "dead on arrival" and would not be discussed.'
    frame = run(text)
    assert not (frame["kind"] == "direct").any()
    row = one(frame, "dead on arrival")
    assert row["kind"] == "reported" and row["speaker"] == "Dmytro Kuleba"


# -- reported speech -------------------------------------------------------------------------------
@pytest.mark.parametrize("sentence, cue, party", [
    ("Antony Blinken said that Washington would keep supplying ammunition to Ukraine.", "said", "United States"),
    ("Olaf Scholz announced that Germany will deliver a second Patriot battery.", "announced", "Germany"),
    ("Maria Zakharova warned that any strike on Crimea would bring a harsh response.", "warned", "Russia"),
    ("Emmanuel Macron insisted that no option could be ruled out in the future.", "insisted", "France"),
    ("The Kremlin denied that its troops had shelled the railway station in Kramatorsk.", "denied", "Russia"),
    ("Beijing rejected the accusations, calling them groundless attempts to smear China.", "rejected", "China"),
    ("Antonio Guterres believes that a negotiated settlement is still possible this year.", "believes",
     "United Nations"),
    ("Kyrylo Budanov accused Moscow of preparing a provocation at the nuclear plant.", "accused", "Ukraine"),
])
def test_reported_speech_per_cue_family(sentence, cue, party):
    frame = run(sentence)
    reported = frame[frame["kind"] == "reported"]
    assert len(reported) >= 1
    row = reported.iloc[0]
    assert row["cue"] == cue and row["party"] == party
    assert row["start"] > 0  # the speaker and cue are not part of what was said


def test_according_to():
    text = "Russian troops withdrew from the west bank of the Dnipro overnight, according to the Ukrainian General Staff."
    row = one(run(text), "withdrew from the west bank")
    assert row["cue"] == "according to" and row["party"] == "Ukraine"
    assert "according" not in row["text"]


def test_passive_without_agent_names_no_speaker():
    frame = run("It was announced on Tuesday that the bridge would reopen after repairs.")
    assert frame.empty


# -- clause and object boundaries --------------------------------------------------------------------
def test_attribution_set_off_by_commas_takes_both_sides():
    text = "The bridge, the governor said, will reopen within a week."
    row = one(run(text), "will reopen")
    assert row["text"].startswith("The bridge") and row["text"].endswith("within a week")
    assert row["cue"] == "said" and row["kind"] == "reported"


def test_object_stops_before_the_occasion_and_time():
    frame = run("Olaf Scholz criticised the grain export proposal during a visit to Vilnius.\n\n"
                "Jens Stoltenberg called for an immediate ceasefire in a statement on Sunday.")
    assert one(frame, "grain export")["text"] == "the grain export proposal"
    row = one(frame, "ceasefire")
    assert row["text"] == "an immediate ceasefire" and row["party"] == "NATO"


def test_prepositional_argument_belongs_to_the_statement():
    row = one(run("Josep Borrell accused Moscow of blackmailing the world with hunger."), "blackmailing")
    assert row["text"].startswith("Moscow of blackmailing") and row["party"] == "European Union"


def test_what_a_noun_of_support_is_given_to_belongs_to_the_statement():
    frame = run("Justin Trudeau reaffirmed Canada's full support to Ukraine's sovereignty and territorial integrity.\n\n"
                "Olaf Scholz expressed his solidarity with the people of Kharkiv during a visit to Kyiv.")
    assert one(frame, "full support")["text"] == "Canada's full support to Ukraine's sovereignty and territorial integrity."
    assert one(frame, "solidarity")["text"] == "his solidarity with the people of Kharkiv"


def test_a_cue_with_only_time_place_or_audience_after_it_says_nothing():
    assert run("Dmitry Peskov spoke during a visit to Minsk.").empty
    assert run("Dmitry Peskov talked to journalists after the meeting.").empty


def test_coordinated_cue_is_a_second_statement_of_the_same_speaker():
    frame = run("Antony Blinken said Washington would send more shells and warned Moscow against any escalation.")
    said, warned = frame[frame["cue"] == "said"], frame[frame["cue"] == "warned"]
    assert list(said["text"]) == ["Washington would send more shells"]
    assert list(warned["speaker"]) == ["Antony Blinken"]


def test_trailing_relative_clause_is_the_writers_background():
    row = one(run("Dmitry Peskov said the talks would resume in Istanbul, which hosted the last round."), "talks")
    assert row["text"] == "the talks would resume in Istanbul"


def test_attribution_inside_another_statement_is_not_the_inner_subjects():
    frame = run("Dmytro Kuleba said Russia wants to freeze the conflict along the current line.")
    assert list(frame["speaker"]) == ["Dmytro Kuleba"]
    assert "Russia" not in set(frame["party"])


def test_passive_with_the_speaker_as_agent():
    row = one(run("The strike on the railway station was condemned by the United Nations."), "railway station")
    assert row["text"] == "The strike on the railway station"
    assert row["party"] == "United Nations" and row["cue"] == "condemned"


def test_noun_cue_with_a_that_clause():
    row = one(run("Maria Zakharova\u2019s claim that the strike had been staged drew ridicule in Kyiv."), "staged")
    assert row["text"] == "the strike had been staged"  # (the clause without the "that" opening it)
    assert row["speaker"] == "Maria Zakharova" and row["party"] == "Russia" and row["cue"] == "claim"


def test_paragraph_introduced_by_a_colon_is_the_speakers():
    text = ("Sergei Lavrov met reporters in Moscow. He added:\n"
            "The West has declared a total war on us, and we will respond.\n"
            "The talks ended without an agreement.")
    frame = run(text)
    row = one(frame, "total war")
    assert row["kind"] == "direct" and row["speaker"] == "Sergei Lavrov"
    assert not frame["text"].str.contains("talks ended").any()


def test_quotes_before_the_attribution_in_a_paragraph_are_the_later_speakers():
    text = ('"The bridge is closed. Repairs will take weeks." "We are ready to rebuild it," Zelenskyy said.\n'
            '"It will not happen," Dmitry Peskov said.')
    frame = run(text)
    assert one(frame, "Repairs will take weeks")["speaker"] == "Volodymyr Zelenskyy"
    assert one(frame, "ready to rebuild")["speaker"] == "Volodymyr Zelenskyy"


# -- several parties -------------------------------------------------------------------------------
def test_coordinated_subject_gives_one_row_per_party():
    text = "Kyiv and Washington condemned the strike on the dam as a deliberate act of terror."
    frame = run(text)
    assert sorted(frame["party"]) == ["Ukraine", "United States"]
    assert frame["start"].nunique() == 1 and frame["statement_id"].nunique() == 2


def test_statement_ids_are_stable_and_depend_on_party():
    text = "Kyiv and the West rejected the vote, calling it a sham staged under occupation."
    first, second = run(text), run(text)
    assert list(first["statement_id"]) == list(second["statement_id"])
    row = first.iloc[0]
    assert row["statement_id"] == statement_id("t", row["start"], row["end"], row["party"])


# -- transcript turns ------------------------------------------------------------------------------
def test_named_transcript_turns():
    text = ("Vladimir Putin: Good afternoon, colleagues. We will discuss the harvest today.\n"
            "The figures are better than last year.\n"
            "Mikhail Mishustin: Mr President, the harvest reached a record level.\n"
            "Vladimir Putin: Thank you. Let us move to exports.")
    frame = run(text)
    turns = frame[frame["kind"] == "turn"]
    assert len(turns) == 3
    assert list(turns["speaker"]) == ["Vladimir Putin", "Mikhail Mishustin", "Vladimir Putin"]
    assert "better than last year" in turns.iloc[0]["text"]  # a turn runs over the paragraphs that follow it
    assert not turns.iloc[0]["text"].startswith("Vladimir Putin")
    assert set(turns["party"]) == {"Russia"}


def test_question_and_answer_turns():
    text = ("Q: Will there be another round of talks in Istanbul?\n"
            "A: Only if the other side is ready to withdraw its troops.\n"
            "Q: And if it is not?\n"
            "A: Then we will continue to defend our land.")
    frame = run(text, author="Volodymyr Zelenskyy")
    turns = frame[frame["kind"] == "turn"]
    assert len(turns) == 4
    answers = turns[turns["text"].str.startswith(("Only", "Then"))]
    assert set(answers["speaker"]) == {"Volodymyr Zelenskyy"} and set(answers["party"]) == {"Ukraine"}
    questions = turns[turns["text"].str.endswith("?")]
    assert set(questions["party"]) == {"Unknown"}


def test_section_headings_are_not_turns():
    text = ("Grain Corridor Reopens: Ships left Odesa on Monday with maize for Egypt.\n"
            "Shelling Goes On: Kharkiv was hit again overnight.")
    assert not (run(text)["kind"] == "turn").any()


def test_turns_pasted_as_quoted_paragraphs():
    text = ('"PESKOV: We are not planning any new talks this month.\n'
            '"MODERATOR: And next month?\n'
            '"PESKOV: We will see how the situation develops.')
    frame = run(text)
    assert list(frame["kind"]) == ["turn"] * 3
    assert list(frame["text"]) == ["We are not planning any new talks this month.", "And next month?",
                                   "We will see how the situation develops."]
    assert list(frame["party"]) == ["Russia", "Unknown", "Russia"]


def test_a_dateline_is_not_a_turn():
    frame = run("KYIV: Air raid sirens sounded across the capital on Sunday morning.")
    assert not (frame["kind"] == "turn").any()


# -- documents by their speaker --------------------------------------------------------------------
def test_a_speech_gives_what_it_reports_and_first_person_is_the_author():
    # Following the annotation convention: a speech's own sentences are not statements of someone; the
    # speech acts it reports are, and "I"/"we" in them is the author.
    text = ("Good evening, fellow citizens. Today our defenders liberated two more villages in the south.\n\n"
            '"We will hold every metre of this land," the brigade commander Petro Marchenko told me today.\n\n'
            "I told the Chancellor that Ukraine needs air defence before the winter.")
    frame = run(text, author="Volodymyr Zelenskyy")
    assert not (frame["kind"] == "turn").any()
    assert not frame["text"].str.contains("liberated two more villages").any()
    told = one(frame, "Ukraine needs air defence")
    assert told["speaker"] == "Volodymyr Zelenskyy" and told["party"] == "Ukraine"
    quote = one(frame, "hold every metre")
    assert quote["speaker"] == "Petro Marchenko" and quote["kind"] == "direct"


def test_on_the_presidents_own_site_the_president_and_i_are_the_holder():
    text = ("The Head of State said that the army would get new air defence systems this month.\n\n"
            "I have instructed the government to prepare the decisions, the President noted.")
    frame = extract({"article_id": "s", "title": "t", "published": "2022-05-06",
                                "source": "president.gov.ua", "url": "https://www.president.gov.ua/en/news/x",
                                "author": "", "text": text, "origin": "test"})
    assert set(frame["speaker"]) == {"Volodymyr Zelenskyy"}
    assert set(frame["party"]) == {"Ukraine"}


# -- robustness ------------------------------------------------------------------------------------
def test_empty_and_quote_only_texts():
    assert run("").empty
    run('"')
    run("\u201c\u201c\u201d\u201d '' ' \u2018")


def test_find_quotes_pairs_marks_per_paragraph():
    text = 'A "b c d" e.\nF \u201cg h i\nI \u2018j k l\u2019 m.'
    quotes = find_quotes(text)
    contents = [text[q.start:q.end] for q in quotes]
    assert "b c d" in contents
    assert "g h i" in contents  # unclosed: ends with its paragraph
    assert "j k l" in contents


# -- the seed --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    raw = SEED.read_text(encoding="utf-8")
    _, _, body = raw.partition("\n")
    return run(body.strip(), published="2022-10-04", article_id="seed")


def test_seed_zelenskyy_quote(seed):
    row = one(seed, "does not know what dignity and honesty are")
    assert row["kind"] == "direct" and row["speaker"] == "Volodymyr Zelenskyy" and row["party"] == "Ukraine"
    assert row["text"].endswith("with another president of Russia")


def test_seed_talks_impossible(seed):
    rows = seed[seed["text"].str.contains("impossible")]
    assert len(rows) >= 1 and set(rows["party"]) == {"Ukraine"}


def test_seed_putin_declaration(seed):
    row = one(seed, "four occupied Ukrainian territories were now part of Russia")
    assert row["speaker"] == "Vladimir Putin" and row["party"] == "Russia" and row["cue"] == "declared"


def test_seed_kyiv_and_the_west_reject_the_referendum(seed):
    rows = seed[seed["text"].str.contains("calling it a fraud")]
    assert sorted(rows["party"]) == ["Ukraine", "the West"]
    assert set(rows["text"]) == {"the referendum, calling it a fraud that was held under duress."}
    assert set(rows["cue"]) == {"rejected"}


def test_seed_scare_quote_choose_is_no_statement(seed):
    assert not (seed["text"].str.strip('"') == "choose").any()
    assert not seed["text"].str.fullmatch(r'\W*choose\W*').any()


def test_wire_dateline_is_not_the_speaker():
    text = "KYIV, March 3 (Reuters) - Ukraine's military said its forces had pulled back from two villages."
    row = one(run(text), "pulled back")
    assert row["party"] == "Ukraine" and "KYIV" not in row["speaker_mention"].upper().split()


def test_missing_fields_from_a_typed_frame():
    import numpy as np

    frame = extract({"article_id": "m", "text": "Dmitry Peskov said the summit would not take place this year.",
                     "author": pd.NA, "published": np.nan, "title": None})
    assert frame.iloc[0]["party"] == "Russia"
    assert extract({"article_id": "m", "text": pd.NA}).empty


# -- official news items and readouts ----------------------------------------------------------------
def site(text: str, source: str, published: str = "2022-05-06") -> pd.DataFrame:
    return extract({"article_id": "o", "title": "t", "published": published, "source": source, "url": "",
                    "author": "", "text": text, "origin": "test"})


def test_a_lead_sentence_stated_by_someone_is_their_statement():
    frame = site("Talks with the occupiers will continue only after a full ceasefire. This was stated by the "
                 "Adviser to the Head of the President's Office Mykhailo Podolyak during a briefing.",
                 "president.gov.ua")
    lead = one(frame, "Talks with the occupiers will continue only after a full ceasefire")
    assert lead["speaker"] == "Mykhailo Podolyak" and lead["kind"] == "reported"


def test_an_agentless_report_in_a_readout_is_the_hosts():
    frame = site("It was stressed that the grain corridor must stay open for ships of every flag.", "kremlin.ru")
    assert one(frame, "grain corridor must stay open")["speaker"] == "Vladimir Putin"
    # elsewhere nobody is named, so it is nobody's statement
    assert site("It was stressed that the grain corridor must stay open for ships of every flag.", "").empty


def test_the_parties_of_a_call_are_both_callers():
    frame = site("Vladimir Putin spoke by phone with Turkish President Recep Tayyip Erdogan about the grain deal.\n\n"
                 "The parties agreed to stay in close contacts on the shipments.", "kremlin.ru")
    rows = frame[frame["text"].str.contains("close contacts")]
    assert set(rows["speaker"]) == {"Vladimir Putin", "Recep Tayyip Erdoğan"}
    assert set(rows["party"]) == {"Russia", "Turkey"}
    assert rows["statement_id"].is_unique


def test_an_irregular_cue_form_is_found_by_its_lemma():
    frame = site("The governor wrote that the evacuation of civilians from the frontline villages would go on.", "")
    assert one(frame, "the evacuation of civilians")["cue"].startswith("wrote")
    frame = site("The governor spoke of the evacuation of civilians as the only way to save lives.", "")
    assert one(frame, "the evacuation of civilians")["cue"].startswith("spoke")


# -- topics, held views, voiced feelings, the author's own voice ------------------------------------------
def test_a_topic_verb_with_only_a_noun_phrase_reports_nothing():
    frame = run("The two ministers discussed the grain corridor and the situation at the nuclear plant.\n\n"
                "Olena Kovalenko spoke with her Moldovan counterpart about the energy bridge.\n\n"
                "The mayor described the conditions in the shelters near the station.")
    assert frame.empty, frame[["text", "cue"]].to_dict("records")


def test_a_topic_verb_with_a_role_or_a_clause_reports_it():
    frame = run("The mayor described the shelling of the market as deliberate and \"cynical\".\n\n"
                "The ministers discussed whether the corridor could reopen before the harvest.")
    assert one(frame, "the shelling of the market as deliberate")["cue"] == "described"
    assert one(frame, "the corridor could reopen")["cue"] == "discussed"


def test_the_complementizer_is_not_part_of_the_reported_clause():
    row = one(run("Dmytro Kuleba said that the talks in the capital had failed again."), "talks")
    assert row["text"] == "the talks in the capital had failed again"
    # the shortest clause is still counted with its "that"
    assert one(run("Dmytro Kuleba stated that fighting continued."), "fighting")["text"] == "fighting continued"


def test_a_that_clause_after_a_comma_adjunct_is_what_was_reported():
    # the attribution opens the sentence: nothing before it was said, so it is not an aside around the words
    frame = run("On Tuesday, the BBC reported, citing two residents, that the bridge over the river had collapsed.")
    row = one(frame, "bridge over the river")
    assert row["text"].startswith(("the bridge", "that the bridge")) and row["speaker"] == "BBC"
    # an attribution set off inside the sentence still reports both sides
    aside = one(run("The bridge, the governor said on Monday, will reopen within a week."), "reopen")
    assert aside["text"].startswith("The bridge")


def test_a_feeling_or_view_voiced_is_a_statement():
    frame = run("Emmanuel Macron expressed hope that the fighting around the plant would stop before winter.\n\n"
                "The Presidents of France and Germany voiced their support for the new sanctions package.")
    hope = one(frame, "fighting around the plant")
    assert hope["text"] == "the fighting around the plant would stop before winter"
    assert hope["speaker"] == "Emmanuel Macron" and hope["party"] == "France"
    # the verb's report and the noun's are the same words: one row, the verb's
    assert hope["cue"] == "expressed" and len(frame[frame["text"] == hope["text"]]) == 1
    support = frame[frame["text"].str.contains("support for the new sanctions")]
    assert set(support["party"]) == {"France", "Germany"}


def test_a_held_view_with_a_predicate_word():
    frame = run("Olena Kovalenko is convinced that the embargo must come into force at once.\n\n"
                "The mayor of the city is confident the dam will hold through the spring floods.")
    convinced = one(frame, "embargo must come into force")
    assert convinced["text"] == "the embargo must come into force at once"
    assert convinced["speaker"] == "Olena Kovalenko" and convinced["kind"] == "reported"
    assert "mayor" in one(frame, "the dam will hold")["speaker_mention"]
    # the parser may hang the subject on the auxiliary
    adviser = one(run("The adviser is convinced that this should be stopped immediately."), "stopped")
    assert adviser["text"] == "this should be stopped immediately" and adviser["speaker_mention"] == "The adviser"
    # the view first, then who holds it
    after = one(run("Grain ships keep sailing. The corridor must stay open, Olena Kovalenko is convinced."), "corridor")
    assert after["text"] == "The corridor must stay open" and after["speaker"] == "Olena Kovalenko"
    assert run("Although the talks failed, Olena Kovalenko is confident.").empty


def test_the_authors_present_views_are_not_reports_but_past_speech_acts_are():
    text = ("I want to begin today with words of thanks to our rescuers.\n\n"
            "I hope that the partners will hear us, and I believe that the sanctions will work.\n\n"
            "I am convinced that the south will be free again.\n\n"
            "Yesterday I told the Prime Minister that the air defence must arrive before the winter.")
    frame = run(text, author="Volodymyr Zelenskyy")
    assert list(frame["text"]) == ["the air defence must arrive before the winter"]
    assert frame.iloc[0]["speaker"] == "Volodymyr Zelenskyy"
    # a verb of speech after the author's "I would like to …" still says something
    said = run("I would like to emphasise that the grain deal must be extended for another year.",
               author="Vladimir Putin")
    assert list(said["text"]) == ["the grain deal must be extended for another year"]
    # the same views from someone reported in a news story are statements
    news = run("Volodymyr Zelenskyy said he hopes that the partners will hear Ukraine.\n\n"
               "We believe that the sanctions will work, the ministers said in a joint letter.")
    assert not news.empty


def test_an_unnamed_remark_is_a_turn_of_its_own():
    text = ("Vladimir Putin: I congratulate all of you on the holiday.\n\n"
            "Remark: Thank you very much.\n\n"
            "Vladimir Putin: Let us begin with the harvest.")
    frame = run(text)
    turns = frame[frame["kind"] == "turn"]
    assert list(turns["text"]) == ["I congratulate all of you on the holiday.", "Thank you very much.",
                                   "Let us begin with the harvest."]
    assert turns.iloc[1]["speaker"] != "Vladimir Putin"


def test_the_lead_sentence_said_this_is_the_speakers():
    text = ("Every city the occupiers destroyed will be rebuilt with the partners' help. The Minister of "
            "Infrastructure Oleksandr Kubrakov said this during a visit to Chernihiv.")
    row = one(site(text, "president.gov.ua"), "will be rebuilt")
    assert row["text"] == "Every city the occupiers destroyed will be rebuilt with the partners' help"
    assert row["speaker"] == "Oleksandr Kubrakov" and row["kind"] == "reported"
    # "I call it …" is no pointer to the sentence before
    frame = run("The occupiers keep the region in an information blockade. The governor calls it a siege.")
    assert not frame["text"].str.contains("information blockade").any()


def test_a_lead_that_already_holds_the_speakers_statement_is_not_taken_twice():
    text = ("Oleksandr Kubrakov is convinced that every destroyed city will be rebuilt by 2030. He said this "
            "during a visit to Chernihiv.")
    frame = run(text)
    assert list(frame["text"]) == ["every destroyed city will be rebuilt by 2030"]
    # someone else's claim inside the lead: the lead is the speaker's whole sentence
    other = run("Moscow claims to protect the people of the region, but every city it shelled was Ukrainian. "
                "This was stated by Oleksandr Kubrakov.")
    assert one(other, "every city it shelled")["speaker"] == "Oleksandr Kubrakov"


def test_in_someones_opinion_gives_the_rest_of_the_sentence():
    text = ("Olena Kovalenko said the meeting with the ambassadors on Monday was useful.\n\n"
            "In her opinion, the sanctions should have been imposed long before the invasion.")
    row = one(run(text), "sanctions should have been")
    assert row["text"] == "the sanctions should have been imposed long before the invasion"
    assert row["speaker"] == "Olena Kovalenko"
    inside = one(run("The talks, in the minister's view, can resume only after a ceasefire."), "can resume")
    assert inside["text"].startswith("The talks") and "minister" in inside["speaker_mention"]
    # in a speech, "in my view" is the author's own voice
    assert run("In my view, the sanctions came too late.", author="Volodymyr Zelenskyy").empty


def test_titles_set_off_after_a_name_are_not_speakers_of_their_own():
    text = ("Talks will resume only after a ceasefire. Mykhailo Podolyak, Adviser to the Head of the Office of "
            "the President of Ukraine and one of the negotiators in Istanbul, said this in an interview.")
    frame = run(text)
    assert list(frame["speaker"]) == ["Mykhailo Podolyak"]


def test_an_as_clause_attribution_reports_the_clause_it_hangs_on():
    after = one(run("Instead, the occupiers are trying to force people to leave, as stated by Andriy Yermak."),
                "force people")
    assert after["text"] == "Instead, the occupiers are trying to force people to leave"
    assert after["speaker"] == "Andriy Yermak"
    before = one(run("As the governor said when he met the volunteers, the bridge will reopen in May."), "bridge")
    assert before["text"].startswith("the bridge will reopen in May")
    assert "governor" in before["speaker_mention"]
    # not a verb of speech: nobody is quoted
    assert run("The main assault force consists of mercenaries, as supported by regular troops.").empty


def test_clause_only_verbs_report_only_a_clause_or_an_infinitive():
    frame = run("The analysts observed that both sides were suffering heavy losses.\n\n"
                "Today Joe Biden directed his administration to impose sanctions on the pipeline company.\n\n"
                "Olena Kovalenko reminded that the blockade of the port continues.")
    assert one(frame, "both sides were suffering")["cue"] == "observed"
    assert one(frame, "his administration to impose sanctions")["speaker"] == "Joe Biden"
    assert one(frame, "blockade of the port continues")["speaker"] == "Olena Kovalenko"
    assert one(run("Secretary Blinken shared that the President will nominate a new ambassador to Ukraine."),
               "nominate")["speaker"] == "Antony Blinken"
    assert run("Both sides observed the ceasefire for two days.\n\n"
               "The battery directed its fire at the bridge.\n\n"
               "The two countries share a long border.").empty


def test_a_participle_after_a_reported_clause_is_the_claimants_next_statement():
    frame = run("The ministry claimed that the battle was still ongoing, stating its forces were holding the "
                "western districts, while other officials acknowledged that most of the city was lost.")
    assert one(frame, "the battle was still ongoing")["text"] == "the battle was still ongoing"
    stating = one(frame, "its forces were holding")
    assert stating["text"] == "its forces were holding the western districts"
    assert stating["speaker_mention"] == "The ministry"
    # "other officials" are no party's: the party Other is not named by the word "other"
    assert one(frame, "most of the city was lost")["party"] == "Unknown"


def test_an_intention_is_not_a_statement_but_a_demand_on_others_is():
    frame = run("The Russian military wanted to capture the town before the spring.\n\n"
                "The occupiers refuse to let the residents leave for the west.")
    assert frame.empty, frame[["text", "cue"]].to_dict("records")
    demand = one(run("Moscow wants Kyiv to accept the annexation of the four regions."), "Kyiv to accept")
    assert demand["party"] == "Russia"
    wish = one(run("Olena Kovalenko would like Ukraine to have open relations with all its neighbours."), "open")
    assert wish["text"] == "Ukraine to have open relations with all its neighbours"
    assert run("Residents would like to leave the city before the winter.").empty
    speech = one(run("The spokesman refused to confirm that the convoy had been hit."), "convoy had been hit")
    assert "spokesman" in speech["speaker_mention"]


def test_according_to_a_plan_names_no_speaker():
    assert run("According to the plan, the troops will withdraw from the city by Friday.\n\n"
               "According to one of the likely scenarios, the occupiers will regroup near the river.\n\n"
               "According to preliminary data, more than a thousand soldiers were wounded today.\n\n"
               "According to surveys, most residents want to stay in the city.").empty
    row = one(run("According to the governor, the troops will withdraw from the city by Friday."), "withdraw")
    assert "governor" in row["speaker_mention"]


def test_an_attribution_opening_its_sentence_between_commas():
    row = one(run("Olena Kovalenko met the press on Monday. However, she stressed, the residents of the city do "
                  "not want to leave for the west."), "residents of the city")
    assert row["text"] == "the residents of the city do not want to leave for the west"
    assert row["cue"] == "stressed"


def test_it_was_reported_by_someone_that_gives_the_clause_not_the_sentence_before():
    frame = run("The town was shelled overnight. It was reported by the governor Oleh Synehubov that the town "
                "was virtually surrounded.")
    assert list(frame["text"]) == ["the town was virtually surrounded"]
    assert "Synehubov" in frame.iloc[0]["speaker_mention"]


def test_the_questioner_a_moderator_calls_asks_the_questions():
    text = ("MODERATOR: Anna Kovalenko.\n"
            "QUESTION: Thank you. Will the next aid package include air defence?\n"
            "SECRETARY BLINKEN: We are working on it with our partners every day.\n"
            "QUESTION: And when will it arrive?\n"
            "MODERATOR: Piotr Nowak.\n"
            "QUESTION: A question on sanctions, if I may.")
    frame = run(text)
    assert not frame["text"].str.contains("Kovalenko").any()  # giving the floor is no statement
    asked = frame[frame["text"].str.contains("aid package|when will it arrive|on sanctions")]
    assert list(asked["speaker"]) == ["Anna Kovalenko", "Anna Kovalenko", "Piotr Nowak"]


def test_a_quoted_message_is_the_words_of_its_sender():
    text = ("Vladimir Putin sent his greetings to the company of the Omsk drama theatre on its centenary. "
            'The message reads, in part: "For a hundred years your stage has kept faith with its audience and '
            'with the great Russian repertoire."')
    row = one(run(text), "hundred years")
    assert (row["speaker"], row["party"]) == ("Vladimir Putin", "Russia")


def test_what_someone_should_say_is_no_statement():
    text = ("As for the soldiers blocked at the plant, the authorities in Kyiv should take responsibility and "
            "order them to lay down their arms.")
    assert run(text).empty
    mine = run("I must say that the talks in Istanbul were difficult.", author="Volodymyr Zelenskyy")
    assert one(mine, "talks in Istanbul")["speaker"] == "Volodymyr Zelenskyy"


def test_a_speaker_after_an_opening_clause_speaks():
    # the parser hangs "the President of Russia" on Minsk, as an apposition, and leaves "noted" without a subject
    text = "When asked about the talks in Minsk, the President of Russia noted that the delegations would meet again soon."
    row = one(run(text), "meet again soon")
    assert (row["speaker"], row["party"]) == ("Vladimir Putin", "Russia")


def test_an_office_the_article_never_names_is_the_speaker():
    row = one(run("The Minister of Infrastructure noted that the railway programme is being implemented."),
              "railway programme")
    assert row["speaker"] == "Minister of Infrastructure"


def test_a_supposition_is_no_statement():
    text = ("And if someone thinks that Ukrainians are scared or broken after all this, he knows nothing about us. "
            "If Kyiv says that it wants peace, it should withdraw its troops.")
    assert not run(text)["text"].str.contains("scared|wants peace").any()


def test_a_title_label_is_the_authors_title_in_an_interview_with_them():
    text = ("MUIR: Did President Xi know about the balloon?\n"
            "THE PRESIDENT: There is a possibility that he did not.\n"
            "MUIR: And President Putin says he is suspending the treaty.\n"
            "THE PRESIDENT: I think the world is more dangerous without treaties on nuclear weapons.")
    answers = run(text, author="Joe Biden", published="2023-02-24")
    answers = answers[answers["text"].str.startswith(("There is", "I think"))]
    assert list(answers["speaker"]) == ["Joe Biden", "Joe Biden"]


def test_an_event_or_a_thing_is_no_speaker():
    text = ("Together we will keep prices in check, as Russia's invasion threatens the export of grain from Odesa "
            "this autumn. Even this fact alone shows the professionalism of our people.")
    assert run(text).empty
    assert one(run("Russia threatens that it will cut the gas supply to Europe."), "cut the gas")["party"] == "Russia"


def test_a_future_reply_inside_what_was_said_reports_nothing_before_it():
    frame = run("The minister said that if Russia attacks, NATO will respond.")
    assert list(frame["text"]) == ["if Russia attacks, NATO will respond"]
    assert one(run("The talks have failed, the minister replied."), "talks have failed")["cue"] == "replied"
