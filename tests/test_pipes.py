"""The registered components one by one, on small Docs written here."""
from __future__ import annotations

from analysis import nlp, pipes


def parsed(text: str, **article) -> object:
    doc = nlp.parse([text])[0]
    doc.user_data[pipes.ARTICLE] = {"author": "", "published": "2022-05-06", "url": "", "source": "", **article}
    return doc


def test_statements_component_finds_spans_with_exact_offsets():
    text = 'The ministry said the convoy had crossed the river. "We are ready," the general added.'
    doc = pipes.find_statements(parsed(text))
    spans = doc.spans[pipes.STATEMENTS]
    assert {s.label_ for s in spans} == {"reported", "direct"}
    for span in spans:
        assert text[span._.found.start:span._.found.end] in span.text
    assert all(span._.speakers is None for span in spans)  # speakers are the next component's job


def test_speakers_component_resolves_in_reading_order():
    text = "Dmytro Kuleba arrived in Warsaw on Monday. He said the talks would continue next week."
    doc = pipes.resolve_speakers(pipes.find_statements(parsed(text)))
    span = doc.spans[pipes.STATEMENTS][0]
    assert span._.speaker == "Dmytro Kuleba"


def test_parties_component_gives_each_speaker_a_party():
    text = "Reuters reported that the bridge was damaged. The Latvian president said Riga would send aid to Kyiv."
    doc = pipes.assign_parties(pipes.resolve_speakers(pipes.find_statements(parsed(text))))
    parties = {span._.speaker: span._.party for span in doc.spans[pipes.STATEMENTS]}
    assert parties["Reuters"] == "Other"
    assert "Other" in parties.values()


def test_the_extraction_pipeline_runs_the_components_in_order():
    assert pipes.extraction().pipe_names == ["parley_statements", "parley_speakers", "parley_parties"]
