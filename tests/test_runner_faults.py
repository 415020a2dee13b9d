"""Faults around a run that must never give a silent wrong answer or cost a result: a closed
stderr, a corrupt saved model, two saves of one model at once, folders a killed save left."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from bench.cli import main
from bench.results import load_run, results_home
from bench.runner import make_config, run
from bench.saved_models import UnreadableModelError
from core.progress import say, stderr_guarded

PREDICT = ("predict", "--dataset", "sms-spam", "--model", "nb", "--profile", "quick")


class _GoneStream:
    """A stderr whose reader has gone: every write and flush fails like a closed pipe."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        raise BrokenPipeError(32, "Broken pipe")


def _nb_run():
    """A saved quick naive Bayes run on the tiny sms-spam; its model folder."""
    result = run(
        make_config("sms-spam", "nb", profile="quick"), results_dir=results_home(), quiet=True
    )
    return Path(result.model_dir)


def _predict(capsys, *texts: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main([*PREDICT, *texts])
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def _one_line_error(err: str) -> str:
    lines = [ln for ln in err.strip().splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# D10: progress output never decides whether a result is saved


def test_a_run_whose_stderr_is_closed_still_saves_its_result(tiny_home):
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench", "run", "--dataset", "sms-spam", "--model", "nb"]
        + ["--profile", "quick"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    proc.stderr.close()  # like `2>&1 | head -1` once head has gone, or a SIGKILLed `bench all`
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out
    runs = list((results_home() / "runs").glob("*.json"))
    assert len(runs) == 1
    assert load_run(runs[0]).dataset == "sms-spam"


def test_say_drops_lines_once_stderr_is_gone(monkeypatch):
    monkeypatch.setattr(sys, "stderr", _GoneStream())
    say("a progress line")  # no exception
    say("and another")
    assert not isinstance(sys.stderr, _GoneStream)  # replaced by the null device


def test_nothing_printed_on_a_gone_stderr_inside_a_guard_raises(monkeypatch):
    monkeypatch.setattr(sys, "stderr", _GoneStream())
    with stderr_guarded():
        print("a warning from anywhere", file=sys.stderr, flush=True)
        sys.stderr.flush()


def test_tokenizer_and_training_progress_survive_a_gone_stderr(monkeypatch):
    from bench.tokenizers.parallel import Progress as TokenizeProgress
    from neural.training import Progress as TrainingProgress

    monkeypatch.setattr(sys, "stderr", _GoneStream())
    tokenizing = TokenizeProgress(10, "tokenizing")
    tokenizing.start -= 10  # long enough ago for a line to be due
    tokenizing.update(10)
    monkeypatch.setattr(sys, "stderr", _GoneStream())
    scoring = TrainingProgress("scoring", 10, "docs", every=0.0)
    scoring._last -= 1
    scoring.update(5)


# D12: a saved model that cannot be read is one line naming its folder


def _truncate_pickle(folder: Path) -> None:
    data = (folder / "model.pkl").read_bytes()
    (folder / "model.pkl").write_bytes(data[: len(data) // 2])


def _edit_manifest(*drop: str):
    def edit(folder: Path) -> None:
        manifest = json.loads((folder / "manifest.json").read_text())
        for key in drop:
            del manifest[key]
        (folder / "manifest.json").write_text(json.dumps(manifest))

    return edit


def _manifest_not_json(folder: Path) -> None:
    (folder / "manifest.json").write_text('{"dataset": "sms-spam", "mod')


@pytest.mark.parametrize(
    "corrupt",
    [
        _truncate_pickle,
        _edit_manifest("format"),
        _edit_manifest("classes"),
        _edit_manifest("saved_at", "seed"),
        _manifest_not_json,
    ],
    ids=["truncated-pickle", "no-format", "no-classes", "no-saved-at", "manifest-not-json"],
)
def test_a_corrupt_saved_model_is_one_line_naming_its_folder(tiny_home, capsys, corrupt):
    folder = _nb_run()
    corrupt(folder)
    code, out, err = _predict(capsys, "free prize")
    line = _one_line_error(err)
    assert code == 2 and not out
    assert str(folder) in line and "cannot be read" in line
    assert "python -m bench run --dataset sms-spam --model nb --profile quick" in line


def test_an_unreadable_model_is_still_a_value_error_for_callers_that_refit():
    assert issubclass(UnreadableModelError, ValueError)  # bench.lm_task refits on ValueError


# D13: saves of one model never crash each other; hidden folders are never read and get removed


def test_a_model_saved_by_another_process_meanwhile_is_replaced_not_a_crash(tiny_home, monkeypatch):
    real_replace = os.replace
    raced = []

    def replace(src, dst):
        src, dst = Path(src), Path(dst)
        if dst.parent.name == "models" and src.name.startswith(".") and not raced:
            dst.mkdir()  # another identical run renamed its model in first
            (dst / "manifest.json").write_text("{}")
            raced.append(dst)
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    folder = _nb_run()
    assert raced == [folder]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["dataset"] == "sms-spam"
    with open(folder / "model.pkl", "rb") as fh:
        assert hasattr(pickle.load(fh), "predict_proba")
    assert not [p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}")]


def _hidden_copy(folder: Path, suffix: str) -> Path:
    """A hidden folder like a killed save leaves: a newer manifest and a broken model."""
    hidden = folder.with_name(f".{folder.name}.{suffix}")
    hidden.mkdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["saved_at"] = "9999-01-01T00:00:00+00:00"
    (hidden / "manifest.json").write_text(json.dumps(manifest))
    (hidden / "model.pkl").write_bytes(b"\x80\x05 not a model")
    return hidden


def test_predict_never_reads_a_hidden_folder(tiny_home, capsys):
    folder = _nb_run()
    _hidden_copy(folder, "k1ll3d")
    code, out, err = _predict(capsys, "free prize call now")
    assert code == 0, err
    assert out.split()[0] in ("ham", "spam")


def test_the_next_save_removes_what_a_killed_save_left(tiny_home):
    folder = _nb_run()
    hidden = [_hidden_copy(folder, "k1ll3d"), _hidden_copy(folder, "old-12345")]
    _nb_run()
    assert not any(h.exists() for h in hidden)
    assert (folder / "model.pkl").is_file()
