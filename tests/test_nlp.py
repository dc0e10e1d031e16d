"""analysis.nlp.parse: one Doc per article, offsets of the article, parsed where speech or claims may be."""
from __future__ import annotations

from analysis import nlp
from analysis.statements import extract

TEXT = ("KYIV, March 3 (Reuters) - The weather was cold all week.\n\n"
        "The governor said the bridge would reopen within a week. Nothing else happened.\n\n"
        "\u201cWe will rebuild it,\u201d the mayor told reporters.  Markets were calm.\n")


def test_one_doc_per_text_with_the_texts_offsets():
    docs = nlp.parse([TEXT, "Short one.", ""])
    assert [d.text for d in docs] == [TEXT, "Short one.", ""]
    doc = docs[0]
    assert "".join(t.text_with_ws for t in doc) == TEXT
    said = TEXT.index("said")
    assert doc.char_span(said, said + 4).text == "said"


def test_only_sentences_that_may_hold_speech_get_the_full_parse():
    doc = nlp.parse([TEXT])[0]
    parsed = [TEXT[a:b] for a, b, full in nlp.runs(doc) if full]
    assert any("The governor said" in p for p in parsed)
    assert not any("weather was cold" in p for p in parsed)
    governor = next(t for t in doc if t.text == "said")
    assert governor.lemma_ == "say" and governor.pos_ == "VERB"
    # every sentence is a sentence, parsed or not
    sentences = [s.text.strip() for s in doc.sents if s.text.strip()]
    assert "Nothing else happened." in sentences


def test_irregular_forms_of_cue_lemmas_select_a_sentence():
    # "spoke" is in no list: it is a form of "speak" by the model's own lemma tables
    doc = nlp.parse(["The commander spoke about heavy losses near the river."])[0]
    assert any(full for _, _, full in nlp.runs(doc))


def test_a_text_longer_than_the_models_limit_is_parsed_in_windows(monkeypatch):
    monkeypatch.setattr(nlp.model(), "max_length", 2_000)
    monkeypatch.setattr(nlp, "WINDOW", 300)
    paragraph = " ".join(f"Officer {i} said the road number {i} was closed." for i in range(200))
    text = paragraph + "\n\n" + "x" * 5_000 + "\n"
    doc = nlp.parse([text])[0]
    assert doc.text == text
    assert all(b - a <= 300 for a, b, full in nlp.runs(doc) if full)
    frame = extract({"article_id": "long", "text": text})
    assert len(frame) >= 150
    assert all(text[r.start:r.end] == r.text for r in frame.itertuples())


def test_statements_read_the_doc_they_are_given():
    doc = nlp.parse([TEXT])[0]
    frame = extract({"article_id": "a", "text": TEXT}, doc=doc)
    assert set(frame["speaker_mention"]) >= {"The governor", "the mayor"}
    assert doc.spans["statements"]  # the components left their work on the Doc
