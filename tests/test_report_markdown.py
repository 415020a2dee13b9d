"""``bench report --markdown``: the accuracy and perplexity tables from synthetic result files."""

from __future__ import annotations

import subprocess
import sys

from tests.synthetic_results import make_result, standard_grid, write_lm_result, write_results


def _markdown(results_dir, *args):
    return subprocess.run([sys.executable, "-m", "bench", "report", "--markdown", "--results-dir",
                           str(results_dir), *args], capture_output=True, text=True)


def _row(text: str, name: str) -> list[str]:
    line = next(ln for ln in text.splitlines() if ln.startswith(f"| `{name}` |"))
    return [c.strip() for c in line.strip("|").split("|")]


def test_accuracy_table_means_seeds_and_best(tmp_path):
    from bench.results import load_results
    from reports.markdown import classification_table

    standard_grid(tmp_path)  # imdb: nb, nbsvm, lstm over 2 seeds; r8: nb, lstm; nsmc: nb per analyzer
    results = load_results(tmp_path)
    table = classification_table(results)
    header = table.splitlines()[0]
    assert header.startswith("| model | imdb (english) | nsmc (") and header.endswith(" | r8 (english) |")
    expected = {}
    for r in results:
        if r.dataset == "imdb" and r.max_train is None:
            expected.setdefault(r.model, []).append(r.accuracy)
    nbsvm = _row(table, "nbsvm")
    mean = sum(expected["nbsvm"]) / 2
    assert nbsvm[1].startswith(f"**{mean:.4f} ± ") and nbsvm[1].endswith("(2)**")  # best on imdb: bold
    assert not _row(table, "nb")[1].startswith("**")
    assert _row(table, "nbsvm")[3] == "–"  # nbsvm has no r8 run
    # the sized runs of the sweep stay out: imdb lstm is the mean of its two full runs only
    assert _row(table, "lstm")[1].startswith(f"{sum(expected['lstm']) / 2:.4f}")
    # the classic models come before the neural ones, as in the registry
    names = [ln.split("`")[1] for ln in table.splitlines()[2:]]
    assert names.index("nbsvm") < names.index("lstm")
    # nsmc has two analyzers with one run each: one of them is the column's, the other a row of its own
    assert any(n.startswith("nb (") for n in names)


def test_cli_prints_both_tables_per_profile(tmp_path):
    write_results(tmp_path, [make_result("imdb", "nb", profile="full", accuracy=0.8),
                             make_result("imdb", "lstm", profile="full", accuracy=0.9),
                             make_result("imdb", "nb", profile="quick", accuracy=0.7)])
    for order, ppl in ((2, 300.0), (3, 250.0), (4, 260.0)):
        write_lm_result(tmp_path, "imdb", "ngram-mkn", order, "mkn", ppl, profile="full")
    write_lm_result(tmp_path, "imdb", "lstm-lm", None, None, 200.0, profile="full")
    proc = _markdown(tmp_path, "--profile", "full")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "## Profile `full`" in out and "`quick`" not in out
    assert _row(out, "lstm")[1].startswith("**0.") and _row(out, "lstm")[1].endswith("(1)**")
    assert _row(out, "ngram-mkn")[1] == "250.0 (order 3)"  # the best order of the smoothing
    assert _row(out, "lstm-lm")[1] == "**200.0**"
    every = _markdown(tmp_path)
    assert "## Profile `full`" in every.stdout and "## Profile `quick`" in every.stdout


def test_cli_errors_are_one_line(tmp_path):
    proc = _markdown(tmp_path)
    assert proc.returncode == 2 and "no results" in proc.stderr and "Traceback" not in proc.stderr
    write_results(tmp_path, [make_result("imdb", "nb")])
    proc = _markdown(tmp_path, "--profile", "full")
    assert proc.returncode == 2 and "no results for profile 'full'" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
