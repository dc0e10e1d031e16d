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
    assert label["s2", "military aid to Ukraine"] == "none"


def test_reads_a_stance_turned_around_and_official_optimism(scorer):
    # Misread by the last release (the stance followed the statement's slant; optimism and resolve in official
    # register came out neutral and negative).
    texts = ["Every new sanction on Moscow hurts our own farmers more than the Kremlin; they must be lifted.",
             "Talks were constructive, and both delegations agreed to meet again next week.",
             "Ukraine will never give up its land."]
    sentiments, stances = scorer.score(statements(texts))
    label = stances.set_index(["statement_id", "target"])["label"]
    moods = sentiments["label"].tolist()
    assert label["s0", "sanctions on Russia"] == "against"
    assert moods[1] == "positive" and moods[2] != "negative"


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


def test_version_is_known_without_loading_the_models_and_agrees_with_them(scorer):
    # In a fresh process: the planned version loads neither ONNX Runtime nor the tokenizer.
    code = (
        "import sys\n"
        "from models import scoring\n"
        "print(scoring.planned_version())\n"
        "print(sorted(m for m in ('onnxruntime', 'transformers', 'spacy') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    planned, imported = done.stdout.split("\n")[:2]
    assert imported == "[]"
    assert planned == scorer.version()  # the loaded models' version, computed the same way
    assert scoring.planned_version() == scorer.version()


def test_planned_version_follows_the_weight_files(tmp_path, monkeypatch):
    from models.classifier import digest_of

    monkeypatch.setattr(registry, "_loaded", {})  # (a model loaded in this process names itself)
    for task in ("sentiment", "stance"):
        folder = tmp_path / task
        folder.mkdir()
        (folder / "model.onnx").write_bytes(b"graph")
        (folder / ("head.npz" if task == "stance" else "text_head.npz")).write_bytes(b"head")
        monkeypatch.setattr(registry, "SPECS", {**registry.SPECS, task: registry.ModelSpec(
            f"test-{task}", task, registry.SPECS[task].labels, folder, registry.SPECS[task].hub_env)})
    before = scoring.planned_version()
    assert registry.planned_name("stance") == f"test-stance@{digest_of(tmp_path / 'stance')}"
    (tmp_path / "stance" / "head.npz").write_bytes(b"another head")
    assert scoring.planned_version() != before
    (tmp_path / "stance" / "calibration.json").write_text("{}")
    assert scoring.planned_version() not in {before, None}
    monkeypatch.setenv("PARLEY_STANCE_MODEL", "some/hub-model")  # only loading it can tell its version
    assert scoring.planned_version() is None


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


# -- long statements, read whole in bounded windows ------------------------------------------------------
def test_long_texts_are_cut_into_bounded_windows_that_cover_every_token(scorer):
    from models import windows

    tokenizer = scorer.stance.classifier.tokenizer
    short, long_ = "Talks were constructive.", " ".join(f"word{i % 50}" for i in range(3000))
    rows = windows.windows(tokenizer, [short, long_], size=64)
    assert [w.owner for w in rows if w.owner == 0] == [0]  # a short text is one window, read as before
    assert all(len(w.input_ids) <= 64 for w in rows)
    body = tokenizer(long_, add_special_tokens=False)["input_ids"]
    covered = [t for w in rows if w.owner == 1 for t in w.input_ids[1:-1]]
    assert covered == body  # nothing dropped, nothing read twice
    sizes = [w.weight for w in rows if w.owner == 1]
    assert max(sizes) - min(sizes) <= 1  # near-equal windows, no stub at the end
    paired = windows.windows(tokenizer, [long_], firsts=["economic sanctions on Russia"], size=64)
    assert all(len(w.input_ids) <= 64 and w.token_type_ids[-1] == 1 for w in paired)


def test_batches_stay_within_the_token_budget():
    from models.windows import Window, batches

    rows = [Window(i, [1] * n, [0] * n, n) for i, n in enumerate([5, 120, 7, 128, 60, 3, 90] * 20)]
    seen = []
    for index in batches(rows, budget=512, max_rows=8):
        assert len(index) <= 8
        assert len(index) * max(len(rows[i].input_ids) for i in index) <= 512
        seen += index
    assert sorted(seen) == list(range(len(rows)))


def test_pooling_weighs_windows_by_their_tokens_and_keeps_unit_length():
    import numpy as np

    from models.windows import Window, pool

    rows = [Window(0, [], [], 3), Window(0, [], [], 1), Window(1, [], [], 2)]
    outputs = np.array([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0], [0.6, 0.8, 0.0, 1.0]], dtype=np.float32)
    logits = pool(outputs, rows, 2)
    assert logits[0] == pytest.approx([0.75, 0.25, 0.25, 0.75])
    assert logits[1] == pytest.approx(outputs[2])
    embedded = pool(outputs, rows, 2, blocks=2)
    assert np.linalg.norm(embedded[:, :2], axis=1) == pytest.approx([1.0, 1.0])
    assert np.linalg.norm(embedded[:, 2:], axis=1) == pytest.approx([1.0, 1.0])
    assert embedded[0, :2] == pytest.approx(np.array([0.75, 0.25]) / np.hypot(0.75, 0.25))


def test_a_position_at_the_end_of_a_long_turn_is_read(scorer):
    # A transcript turn whose position comes after 300 words of procedure: truncating would miss it.
    procedure = ("The delegation arrived on Tuesday and the meeting began at ten in the morning, as agreed. "
                 "The agenda covered the schedule of the working groups and the venue of the next round. ") * 18
    turn = procedure + "We will keep sending weapons and ammunition to Ukraine for as long as it takes."
    model = scorer.stance.classifier
    assert len(model.tokenizer(turn)["input_ids"]) > 400
    description = load_targets()[[t.name for t in load_targets()].index("military aid to Ukraine")].description
    favor = model.labels.index("favor")
    whole, opening = model.probabilities([turn, procedure], [description, description])[:, favor]
    assert whole > opening


def test_scoring_memory_and_answers_do_not_depend_on_text_length_mix(scorer):
    # A very long statement among short ones leaves the short ones' scores as they are alone.
    model = scorer.sentiment.classifier
    texts = ["We are deeply grateful to our partners.", "The shelling went on all night. " * 800]
    crowd = model.probabilities(texts)
    assert model.probabilities(texts[:1])[0] == pytest.approx(crowd[0], abs=1e-5)


# -- calibration of none vs a position ---------------------------------------------------------------
def test_calibration_bias_moves_the_none_decision():
    import numpy as np

    from models import calibration

    labels = ["favor", "against", "none"]
    # The model leans to none: positions sit just below it, so a negative bias on none recovers them.
    log_probs = np.log(np.array([[0.40, 0.10, 0.50], [0.10, 0.40, 0.50], [0.05, 0.05, 0.90], [0.30, 0.10, 0.60]]))
    gold = ["favor", "against", "none", "none"]
    assert calibration.with_bias(log_probs, labels, 0.0) == ["none"] * 4
    bias = calibration.best_bias(log_probs, labels, gold)
    assert bias < 0
    assert calibration.with_bias(log_probs, labels, bias)[:3] == ["favor", "against", "none"]
    # A position of the wrong sign is both a false position and a missed one.
    assert calibration.position_f1(gold, ["favor", "favor", "none", "none"]) == pytest.approx(0.5)


def test_the_calibration_file_is_read_and_named_in_errors(tmp_path):
    from models import calibration

    assert calibration.load(tmp_path) == ({}, 0.0)
    (tmp_path / calibration.CALIBRATION_FILE).write_text('{"none_bias": {"talks": -0.5}, "default_none_bias": 0.25}')
    assert calibration.load(tmp_path) == ({"talks": -0.5}, 0.25)
    (tmp_path / calibration.CALIBRATION_FILE).write_text('{"none_bias": {"talks": "lots"}}')
    with pytest.raises(ValueError, match=calibration.CALIBRATION_FILE):
        calibration.load(tmp_path)


# -- training data ---------------------------------------------------------------------------------------
def test_real_statements_become_one_stance_row_per_target(tmp_path, monkeypatch):
    from models import recipes

    names = [t.name for t in load_targets()]
    frame = pd.DataFrame({
        "statement_id": ["a", "b", "c"], "doc": ["d1", "d1", "d2"], "source": ["us"] * 3,
        "split": ["train", "train", "dev"],
        "text": ["We will send more air defence.", "The talks must resume.", "Sanctions must stay."],
        **{name: ["none"] * 3 for name in names}, "sentiment": ["positive", "neutral", "neutral"],
    })
    frame.loc[0, "military aid to Ukraine"] = "favor"
    frame.to_csv(tmp_path / recipes.REAL_FILE, index=False)
    monkeypatch.setattr(recipes, "DATA_DIR", tmp_path)
    train = recipes.real_stance("train")
    assert len(train) == 2 * len(names)
    assert train.set_index(["text", "target"]).loc[("We will send more air defence.", "military aid to Ukraine"),
                                                    "label"] == "favor"
    assert len(recipes.real_stance("train", exclude=("Russia",))) == 2 * (len(names) - 1)
    assert recipes.real_sentiment("dev")["label"].tolist() == ["neutral"]
    frame.drop(columns=["sentiment"]).to_csv(tmp_path / recipes.REAL_FILE, index=False)
    with pytest.raises(ValueError, match="sentiment"):
        recipes.real_statements()


def test_rare_positions_weigh_more_in_training():
    from models import recipes

    rows = pd.DataFrame({
        "target": ["talks"] * 104 + ["aid"] * 3,
        "label": ["none"] * 100 + ["favor"] * 4 + ["none", "favor", "against"],
        "weight": 1.0,
    })
    weighed = recipes.balance_positions(rows).groupby(["target", "label"])["weight"].first()
    assert weighed["talks", "none"] == weighed["aid", "none"] == 1.0
    assert weighed["talks", "favor"] == recipes.POSITION_BALANCE_CAP  # 25 times rarer than none: capped
    assert weighed["aid", "favor"] == weighed["aid", "against"] == 1.0  # as common as none: unchanged
