"""Runs of earlier settings of a row are left out of the report, so no row averages two models."""

from __future__ import annotations

import subprocess
import sys

from bench.results import load_results, run_id
from reports.superseded import current_lm_rows, current_results
from tests.synthetic_results import make_result, write_lm_result, write_results


def _with_settings(result, settings: dict, finished: str):
    result.identity = {**result.identity, "model_params": settings}
    result.run_id, result.finished_at = run_id(result.identity), finished
    return result


def _grid(results_dir):
    old = [
        _with_settings(
            make_result("imdb", "lstm", seed=s, accuracy=0.70, profile="full"),
            {"lr": 1e-3},
            f"2024-01-01T00:0{s}:00+00:00",
        )
        for s in (0, 1, 2)
    ]
    new = [
        _with_settings(
            make_result("imdb", "lstm", seed=s, accuracy=0.90, profile="full"),
            {"lr": 5e-4},
            f"2024-01-02T00:0{s}:00+00:00",
        )
        for s in (0, 1)
    ]
    nb = [make_result("imdb", "nb", seed=s, accuracy=0.8, profile="full") for s in (0, 1)]
    write_results(results_dir, old + new + nb)
    return old, new, nb


def test_latest_configuration_of_each_row_is_kept(tmp_path):
    old, new, nb = _grid(tmp_path)
    kept, superseded = current_results(load_results(tmp_path))
    assert sorted(r.run_id for r in kept) == sorted(r.run_id for r in new + nb)
    assert sorted(r.run_id for r in superseded) == sorted(r.run_id for r in old)


def test_report_and_markdown_leave_superseded_runs_out(tmp_path):
    from reports.html import render_report

    _grid(tmp_path)
    html = render_report(tmp_path).read_text()
    assert 'id="superseded"' in html and "3 classification runs (imdb × lstm (full))" in html
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "report", "--markdown", "--results-dir", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    lstm = next(ln for ln in proc.stdout.splitlines() if ln.startswith("| `lstm` |"))
    assert lstm.endswith(
        "(2)** |"
    )  # the two runs of the latest settings only, and the best on imdb
    assert "3 classification runs" in proc.stderr


def test_report_without_superseded_runs_has_no_note(tmp_path):
    from reports.html import render_report

    write_results(tmp_path, [make_result("imdb", "nb", seed=s) for s in (0, 1)])
    assert 'id="superseded"' not in render_report(tmp_path).read_text()


def test_language_model_rows_keep_the_latest_configuration(tmp_path):
    import json

    from reports.language_models import load_lm_results

    for lr, ppl, finished in ((5e-3, 206.9, "2024-01-01"), (1e-3, 150.0, "2024-01-02")):
        path = write_lm_result(tmp_path, "r8", "rnn-lm", None, None, ppl, profile="full")
        doc = json.loads(path.read_text())
        identity = {"model": "rnn-lm", "params": {"learning_rate": lr}, "seed": 0}
        doc.update(identity=identity, run_id=run_id(identity), finished_at=finished)
        path.rename(path.with_name(f"rnn-{lr}.json"))
        path.with_name(f"rnn-{lr}.json").write_text(json.dumps(doc))
    write_lm_result(tmp_path, "r8", "ngram-mkn", 3, "mkn", 90.0, profile="full")
    rows, left_out = current_lm_rows(load_lm_results(tmp_path))
    assert left_out == 1
    assert sorted(rows["perplexity"]) == [90.0, 150.0]
