"""A user's runs beside the reference results: ``reports.reference`` and
``bench report --reference``."""

from __future__ import annotations

import dataclasses
import tarfile
from pathlib import Path

import numpy as np
import pytest

from bench.cli import main
from bench.errors import BenchError
from bench.metrics import classification_metrics
from reports.reference import SHIPPED, compare, load_reference
from tests.synthetic_results import make_result, write_results


def _with_predictions(run, pred):
    """``run`` with other test predictions and the metrics they give (same run id)."""
    labels = np.asarray(run.test_labels)
    pred = np.asarray(pred)
    return dataclasses.replace(
        run,
        test_predictions=pred.tolist(),
        **classification_metrics(labels, pred, run.n_classes),
    )


def _archive(tmp_path: Path, runs) -> Path:
    folder = tmp_path / "ref-results"
    write_results(folder, runs)
    path = tmp_path / "ref.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        tar.add(folder / "runs", arcname="runs")
    return path


def test_identical_runs_agree_with_ratios_of_one():
    ref = [make_result("imdb", "nb"), make_result("imdb", "nbsvm", fit_seconds=3.0)]
    out = compare(ref, ref)
    assert len(out.rows) == 2 and out.n_differ == 0
    for row in out.rows:
        assert row["flag"] == "agree" and row["difference"] == 0.0
        assert row["fit_ratio"] == 1.0 and row["predict_ratio"] == 1.0
        assert row["test"].startswith("McNemar p = 1")


def test_speed_ratios_are_yours_over_the_reference():
    ref = make_result("imdb", "nb", fit_seconds=2.0)
    mine = dataclasses.replace(ref, fit_seconds=5.0, predict_docs_per_s=2000.0)
    (row,) = compare([mine], [ref]).rows
    assert row["fit_ratio"] == pytest.approx(2.5) and row["predict_ratio"] == pytest.approx(0.5)


def test_flipped_predictions_are_flagged_by_mcnemar():
    ref = make_result("imdb", "nb", accuracy=0.85, n_test=400)
    labels = np.asarray(ref.test_labels)
    pred = np.asarray(ref.test_predictions).copy()
    right = np.flatnonzero(pred == labels)[:80]  # 80 right answers made wrong
    pred[right] = 1 - labels[right]
    mine = _with_predictions(ref, pred)
    out = compare([mine], [ref])
    (row,) = out.rows
    assert row["flag"] == "differs" and out.n_differ == 1
    assert row["p_value"] < 0.05 and row["difference"] == pytest.approx(-80 / 400)
    # a handful of flips stays within what chance explains
    few = np.asarray(ref.test_predictions).copy()
    few[right[:2]] = 1 - labels[right[:2]]
    (row,) = compare([_with_predictions(ref, few)], [ref]).rows
    assert row["flag"] == "agree" and row["p_value"] > 0.05


def test_other_test_labels_are_not_comparable():
    ref = make_result("imdb", "nb", labels_seed=0)
    mine = make_result("imdb", "nb", labels_seed=1)
    assert mine.run_id == ref.run_id
    (row,) = compare([mine], [ref]).rows
    assert row["flag"] == "not comparable" and row["p_value"] is None


def test_two_or_more_reference_seeds_use_their_spread():
    ref = [make_result("imdb", "lstm", seed=s, accuracy=a) for s, a in ((0, 0.80), (1, 0.84))]
    lo, hi = sorted(r.accuracy for r in ref)
    inside = make_result("imdb", "lstm", seed=1, accuracy=(lo + hi) / 2)
    outside = make_result("imdb", "lstm", seed=1, accuracy=0.97)
    rows = compare([inside, outside], ref, tol=0.01).rows
    assert [r["flag"] for r in rows] == ["agree", "differs"]
    assert all(r["test"].startswith("2 reference seeds") and r["p_value"] is None for r in rows)
    # just outside the range but inside the tolerance still agrees
    near = _with_predictions(ref[1], ref[1].test_predictions)
    near = dataclasses.replace(near, accuracy=hi + 0.005)
    assert compare([near], ref, tol=0.01).rows[0]["flag"] == "agree"
    assert compare([near], ref, tol=0.0).rows[0]["flag"] == "differs"


def test_runs_on_only_one_side_are_counted():
    both = make_result("imdb", "nb")
    mine_only = [make_result("imdb", "nbsvm"), make_result("r8", "nb")]
    ref_only = make_result("imdb", "nb", seed=3)
    out = compare([both, *mine_only], [both, ref_only])
    assert len(out.rows) == 1 and out.only_yours == 2 and out.only_reference == 1
    assert "1 runs compared, 0 differ" in out.summary()


def test_shipped_reference_loads_and_agrees_with_itself():
    runs, problems = load_reference()
    assert runs and problems == []
    assert {r.profile for r in runs} == {"default"}
    out = compare(runs, runs)
    assert len(out.rows) == len(runs) and out.only_yours == out.only_reference == 0
    assert {r["flag"] for r in out.rows} == {"agree"}


def test_a_missing_or_broken_archive_is_one_line(tmp_path, monkeypatch):
    with pytest.raises(BenchError, match="no reference archive"):
        load_reference(tmp_path / "absent.tar.gz")
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tarball")
    with pytest.raises(BenchError, match="cannot read the reference archive"):
        load_reference(broken)
    monkeypatch.setattr("reports.reference.SHIPPED", tmp_path / "absent.tar.gz")
    with pytest.raises(BenchError, match="source checkout.*--reference PATH"):
        load_reference()
    assert SHIPPED.name == "default-profile.tar.gz"


def test_invalid_reference_files_are_named_and_skipped(tmp_path):
    folder = tmp_path / "ref-results"
    write_results(folder, [make_result("imdb", "nb")])
    (folder / "runs" / "imdb__x__english__quick__seed0__0123456789abcdef.json").write_text("{")
    path = tmp_path / "mixed.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        tar.add(folder, arcname="results")  # an archive of the folder itself is read too
    runs, problems = load_reference(path)
    assert len(runs) == 1 and len(problems) == 1 and "not JSON" in problems[0]


def test_cli_markdown_and_html(tmp_path, capsys):
    ref = [make_result("imdb", "nb"), make_result("imdb", "nbsvm")]
    archive = _archive(tmp_path, ref)
    mine = tmp_path / "mine"
    write_results(mine, [ref[0], make_result("r8", "nb")])
    args = ["report", "--reference", str(archive), "--results-dir", str(mine)]
    with pytest.raises(SystemExit) as done:
        main([*args, "--markdown"])
    assert done.value.code == 0
    out, err = capsys.readouterr()
    assert "| imdb | `nb` | english | 0 |" in out and "predict speed (yours / ref)" in out
    assert "1 runs compared, 0 differ" in err and "1 of yours not in the reference" in err
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 0
    html = (mine / "report" / "index.html").read_text(encoding="utf-8")
    assert "Your runs beside the reference" in html and "McNemar p = 1" in html
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(["report", "--reference", str(tmp_path / "nope.tar.gz"), "--results-dir", str(mine)])
    assert done.value.code == 2
    assert capsys.readouterr().err.strip().startswith("error: no reference archive")
