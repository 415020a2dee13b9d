"""The HTML report from synthetic result files: pages, sections, self-containment, escaping."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from bench.errors import BenchError
from reports.html import _benchmarks, render_report
from tests.synthetic_results import make_result, write_results


def test_pages_per_profile_and_index(rendered_grid):
    results, index, html = rendered_grid
    assert index == results / "report" / "index.html"
    assert (results / "report" / "quick.html").read_text(encoding="utf-8") == html
    default = (results / "report" / "default.html").read_text(encoding="utf-8")
    assert "Profile <strong>default</strong>" in default and 'href="quick.html"' in default
    assert "nsmc" not in default  # each page holds its own profile's runs only


def test_sections_present(rendered_grid):
    _, _, html = rendered_grid
    for needle in (
        "Which model should I use?",
        "most accuracy per second of training",
        "cheapest to train within 1 point of the best",
        "McNemar",
        "Published results on imdb",
        "Wang, S. &amp; Manning",
        "0.9122",
        "Data efficiency",
        "Cost against data size",
        "Korean analyzers",
        "okt",
        "Language models: perplexity",
        "lstm-lm",
        "naive-bayes",
        "test_lstm_latency[1]",
        "test cpu",
    ):
        assert needle in html, needle
    assert "stupid-backoff" not in html
    assert "n-gram seen in train" in html and ">0.125</td>" in html
    assert (
        ">4,321</td>" in html and ">1,234,567</td>" in html and ">4.7</td>" in html
    )  # the neural LM's costs
    assert "python -m bench sweep</code> adds accuracy" not in html  # the curves are there
    imgs = re.findall(r'<img src="([^"]+)"', html)
    # per imdb: time, curves, confusion, efficiency, scaling; r8: 3; nsmc: 2 + analyzers; LM: 2
    assert len(imgs) >= 13
    assert "imdb: neural LMs' validation perplexity against training minutes" in html
    assert all(src.startswith("data:image/png;base64,") for src in imgs)


def test_sampled_sentences_of_the_best_ngram_model_and_each_neural_lm(rendered_grid):
    _, _, html = rendered_grid
    shown = re.findall(r"<div>&lt;b&gt;(.+?)&lt;/b&gt; (\S+) at (\S+)</div>", html)
    assert shown == [
        ("ngram-mkn", "3", "1.0"),
        ("lstm-lm", "None", "1.0"),
        ("lstm-lm", "None", "0.7"),
    ]
    assert "<b>lstm-lm</b>" not in html  # escaped like every string from a result file


def test_self_contained(rendered_grid):
    _, _, html = rendered_grid
    assert not re.search(r'<(script|img|link|iframe)[^>]+(src|href)="(https?:)?//', html)
    assert "<link" not in html and "@import" not in html and "url(" not in html


def test_benchmark_file_is_kept_and_picked_up(rendered_grid):
    results, _, _ = rendered_grid
    stored = results / "benchmarks.json"
    assert json.loads(stored.read_text())["benchmarks"][0]["group"] == "naive-bayes"
    picked = _benchmarks(results, None)  # what a later render without --benchmarks shows
    assert picked and picked["groups"][0]["name"] == "naive-bayes"


def test_text_from_result_files_is_escaped(tmp_path):
    evil = "<script>alert('x')</script>"
    results = [
        make_result("imdb", "nb", classes=(evil, "<b>pos</b>"), tokenizer='tok"><img src=x>'),
        make_result("imdb", "lstm", classes=(evil, "<b>pos</b>"), tokenizer='tok"><img src=x>'),
    ]
    write_results(tmp_path, results)
    html = render_report(tmp_path).read_text(encoding="utf-8")
    assert evil not in html and "<b>pos</b>" not in html and "<img src=x>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # the page's own sorting script only


def test_sections_skip_gracefully_without_their_runs(tmp_path):
    write_results(tmp_path, [make_result("sms-spam", "nb", classes=("ham", "spam"))])
    html = render_report(tmp_path).read_text(encoding="utf-8")
    assert "No language-model results" in html and "No benchmark results" in html
    assert "No Korean dataset" in html and "Data efficiency" not in html
    assert "python -m bench sweep</code> adds accuracy" in html  # says how to get the curves
    assert "needs a classic and a neural model" in html


def test_errors_are_one_clear_sentence(tmp_path):
    with pytest.raises(BenchError, match="no results"):
        render_report(tmp_path)
    write_results(tmp_path, [make_result("imdb", "nb")])
    with pytest.raises(BenchError, match="no results for profile 'full'"):
        render_report(tmp_path, profile="full")
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "benchmarks"}')
    with pytest.raises(BenchError, match="pytest --benchmark-only"):
        render_report(tmp_path, benchmarks=bad)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "report",
            "--results-dir",
            str(tmp_path),
            "--benchmarks",
            str(tmp_path / "missing.json"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "missing.json" in proc.stderr


def test_rendering_imports_no_model_code(tmp_path):
    write_results(tmp_path, [make_result("imdb", "nb"), make_result("imdb", "lstm")])
    code = (
        f"import sys; from pathlib import Path; from reports.html import render_report; "
        f"render_report(Path({str(tmp_path)!r})); "
        "bad = [m for m in ('tensorflow', 'keras', 'neural', 'baselines', 'jpype') "
        "if m in sys.modules]; "
        "assert not bad, bad; import matplotlib; assert matplotlib.get_backend().lower() == 'agg'"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
