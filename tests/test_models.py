"""The bundled sentiment and stance models: offline loading, output contract, sense, cache, fallback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.store import Store
from analysis.tables import SCHEMA
from models import registry, scoring
from models.__main__ import main as models_cli
from models.scoring import Scorer
from models.targets import Target, description, load as load_targets

ROOT = Path(__file__).resolve().parent.parent


def statements(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"statement_id": [f"s{i}" for i in range(len(texts))], "text": texts})


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer.default()


def test_models_load_offline_in_a_fresh_process_without_torch():
    # The hosted app installs no torch: hide it, as if it were not installed, and score offline.
    code = (
        "import sys\n"
        "sys.modules['torch'] = None\n"
        "import pandas as pd\n"
        "from models.scoring import Scorer\n"
        "s = Scorer.default()\n"
        "sent, stance = s.score(pd.DataFrame({'statement_id': ['a'], 'text': ['Talks were constructive.']}))\n"
        "print(s.sentiment.classifier.labels, s.stance.classifier.labels, s.notices())\n"
        "print(len(sent), len(stance) == len(s.targets))\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.pop("PARLEY_SENTIMENT_MODEL", None)
    env.pop("PARLEY_STANCE_MODEL", None)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-2] == "['negative', 'neutral', 'positive'] ['favor', 'against', 'none'] []"
    assert lines[-1] == "1 True"


def test_bundled_weights_stay_small():
    for spec in registry.SPECS.values():
        graph = spec.bundled / "model.onnx"
        assert graph.stat().st_size < 50_000_000, f"{graph} is over 50 MB"
        assert (spec.bundled / "MODEL_CARD.md").is_file()


def test_scores_follow_the_contract(scorer):
    frame = statements(["We will never surrender.", "The meeting is on Tuesday.", ""])
    sentiments, stances = scorer.score(frame)
    assert list(sentiments.columns) == list(SCHEMA["sentiments"])
    assert list(stances.columns) == list(SCHEMA["stances"])
    assert list(sentiments["statement_id"]) == ["s0", "s1", "s2"]
    assert set(sentiments["label"]) <= {"negative", "neutral", "positive"}
    assert len(stances) == 3 * len(scorer.targets)
    assert set(stances["target"]) == {t.name for t in scorer.targets}
    assert set(stances["label"]) <= {"favor", "against", "none"}
    for frame_ in (sentiments, stances):
        assert frame_["score"].between(1 / 3, 1).all()  # probability of the winning class out of three
        assert frame_["model"].str.contains("@").all()


def test_sentiment_reads_news_register(scorer):
    texts = [
        "Talks were constructive, and both delegations agreed to meet again next week.",
        "Ukraine will never give up its land.",
        "The missile strike killed fourteen civilians, among them three children, and destroyed a hospital.",
        "The ministry said the delegation would arrive in Geneva on Tuesday.",
        "We are deeply grateful to our partners for their steadfast support.",
    ]
    sentiments, _ = scorer.score(statements(texts))
    labels = sentiments["label"].tolist()
    assert labels[0] == "positive"
    assert labels[1] != "negative"
    assert labels[2] == "negative"
    assert labels[3] == "neutral"
    assert labels[4] == "positive"


def test_stance_reads_the_target(scorer):
    texts = [
        "We will keep sending weapons and ammunition to Ukraine for as long as it takes.",
        "Every new sanction on Moscow hurts our own farmers more than the Kremlin; they must be lifted.",
        "The weather in Kyiv was mild on Monday.",
    ]
    _, stances = scorer.score(statements(texts))
    label = stances.set_index(["statement_id", "target"])["label"]
    assert label["s0", "military aid to Ukraine"] == "favor"
    assert label["s1", "sanctions on Russia"] == "against"
    assert label["s2", "military aid to Ukraine"] == "none"


def test_scores_do_not_depend_on_what_else_is_scored(scorer):
    # Statements and targets are embedded once per call and shared between pairs; a pair's answer must be
    # the same alone or in a crowd, in any order, with repeats.
    model = scorer.stance.classifier
    texts = ["We must send Ukraine more air defence now.", "Sanctions only hurt ordinary Europeans.",
             "We must send Ukraine more air defence now."]
    targets = ["sending weapons and military aid to Ukraine", "economic sanctions on Russia", "NATO enlargement"]
    crowd = model.probabilities(texts, targets)
    for i in range(len(texts)):
        alone = model.probabilities([texts[i]], [targets[i]])
        assert alone[0] == pytest.approx(crowd[i], abs=1e-5)
    reversed_ = model.probabilities(texts[::-1], targets[::-1])
    assert reversed_[::-1] == pytest.approx(crowd, abs=1e-5)
    assert crowd.sum(axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=1e-5)
    # The same holds for sentiment: a statement's label must not hinge on the article it was analysed with.
    sentiment = scorer.sentiment.classifier
    crowd = sentiment.probabilities(texts + ["A short one.", "x " * 200])
    assert sentiment.probabilities([texts[1]])[0] == pytest.approx(crowd[1], abs=1e-5)


def test_a_second_run_scores_nothing(scorer, monkeypatch):
    store = Store(":memory:")
    frame = statements(["Talks were constructive.", "The shelling went on all night.", "Talks were constructive."])
    calls = []
    real_run = scoring._run

    def counting_run(model, missing, progress):
        calls.append((model.spec.task, len(missing)))
        return real_run(model, missing, progress)

    monkeypatch.setattr(scoring, "_run", counting_run)
    seen = []
    first = scorer.score(frame, store, lambda fraction, message: seen.append(fraction))
    # One model input per distinct text, and per distinct target + text.
    assert calls == [("sentiment", 2), ("stance", 2 * len(scorer.targets))]
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    calls.clear()
    second = scorer.score(frame, store)
    assert calls == []
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])


def test_unreachable_hub_model_falls_back_with_notice(monkeypatch):
    monkeypatch.delenv("PARLEY_ONLINE", raising=False)
    loaded = registry.load("sentiment", hub_id="parley-tests/no-such-model")
    assert loaded.source == "bundled"
    assert "parley-tests/no-such-model" in loaded.notice and "bundled" in loaded.notice
    assert loaded.classifier.predict(["Talks were constructive."])[0][0] in {"negative", "neutral", "positive"}
    monkeypatch.setenv("PARLEY_STANCE_MODEL", "parley-tests/no-such-nli-model")
    scorer = Scorer(registry.load("sentiment"), registry.load("stance"), load_targets())
    assert any("parley-tests/no-such-nli-model" in notice for notice in scorer.notices())


def test_version_changes_with_targets(scorer):
    other = Scorer(scorer.sentiment, scorer.stance, scorer.targets + [Target("NATO", "NATO and its enlargement")])
    assert other.version() != scorer.version()
    assert Scorer(scorer.sentiment, scorer.stance, list(scorer.targets)).version() == scorer.version()


def test_unknown_target_stands_for_itself():
    assert description("NATO enlargement") == "NATO enlargement"
    assert description("sanctions on Russia") != "sanctions on Russia"  # the configured description


def test_predict_command(tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({
        "target": ["military aid to Ukraine", "NATO enlargement"],
        "text": ["We must send Ukraine more air defence now.", "Finland joining NATO makes Europe safer."],
    }).to_csv(source, index=False)
    out = tmp_path / "out.csv"
    assert models_cli(["predict", "--task", "stance", "--input", str(source), "--out", str(out)]) == 0
    result = pd.read_csv(out)
    assert list(result.columns) == ["target", "text", "label", "score"]
    assert set(result["label"]) <= {"favor", "against", "none"}
    assert result.loc[0, "label"] == "favor"
    missing = tmp_path / "bad.csv"
    pd.DataFrame({"text": ["x"]}).to_csv(missing, index=False)
    assert models_cli(["predict", "--task", "stance", "--input", str(missing), "--out", str(out)]) == 2
