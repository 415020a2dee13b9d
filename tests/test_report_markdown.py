"""``bench report --markdown``: the accuracy and perplexity tables from synthetic result files."""

from __future__ import annotations

import subprocess
import sys

from tests.synthetic_results import make_result, standard_grid, write_lm_result, write_results


def _markdown(results_dir, *args):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "report",
            "--markdown",
            "--results-dir",
            str(results_dir),
            *args,
        ],
        capture_output=True,
        text=True,
    )


def _row(text: str, name: str) -> list[str]:
    line = next(ln for ln in text.splitlines() if ln.startswith(f"| `{name}` |"))
    return [c.strip() for c in line.strip("|").split("|")]


def test_accuracy_table_means_seeds_and_best(tmp_path):
    from bench.results import load_results
    from reports.markdown import classification_table

    # imdb: nb, nbsvm, lstm over 2 seeds; r8: nb, lstm; nsmc: nb per analyzer
    standard_grid(tmp_path)
    results = load_results(tmp_path)
    table = classification_table(results)
    header = table.splitlines()[0]
    assert header.startswith("| model | imdb (english) | nsmc (")
    assert header.endswith(" | r8 (english) |")
    expected = {}
    for r in results:
        if r.dataset == "imdb" and r.max_train is None:
            expected.setdefault(r.model, []).append(r.accuracy)
    nbsvm = _row(table, "nbsvm")
    mean = sum(expected["nbsvm"]) / 2
    # best on imdb: bold
    assert nbsvm[1].startswith(f"**{mean:.4f} ± ") and nbsvm[1].endswith("(2)**")
    assert not _row(table, "nb")[1].startswith("**")
    assert _row(table, "nbsvm")[3] == "–"  # nbsvm has no r8 run
    # the sized runs of the sweep stay out: imdb lstm is the mean of its two full runs only
    assert _row(table, "lstm")[1].startswith(f"{sum(expected['lstm']) / 2:.4f}")
    # the classic models come before the neural ones, as in the registry
    names = [ln.split("`")[1] for ln in table.splitlines()[2:]]
    assert names.index("nbsvm") < names.index("lstm")
    # nsmc has two analyzers with one run each: one of them is the column's, the other a row of
    # its own
    assert any(n.startswith("nb (") for n in names)


def test_cli_prints_both_tables_per_profile(tmp_path):
    write_results(
        tmp_path,
        [
            make_result("imdb", "nb", profile="full", accuracy=0.8),
            make_result("imdb", "lstm", profile="full", accuracy=0.9),
            make_result("imdb", "nb", profile="quick", accuracy=0.7),
        ],
    )
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


def test_each_table_says_how_many_runs_when_and_on_which_machines(tmp_path):
    import dataclasses
    import json

    from reports.markdown import render_markdown

    xeon = {"cpu": "Xeon", "cpu_generation": "family 6 model 167", "cpu_count": 2}
    epyc = {"cpu": "EPYC", "cpu_count": 8}
    runs = [
        (make_result("imdb", "nb", seed=0), xeon, "2024-01-01T23:00:00+00:00"),
        (make_result("imdb", "nb", seed=1), xeon, "2024-01-03T01:00:00+00:00"),
        (make_result("imdb", "lstm"), epyc, "2024-02-03T10:00:00+00:00"),
        (
            make_result("imdb", "nb", max_train=100),
            {"cpu": "elsewhere"},
            "2025-01-01T00:00:00+00:00",
        ),
    ]
    write_results(tmp_path, [dataclasses.replace(r, machine=m, finished_at=t) for r, m, t in runs])
    for order, finished in ((2, "2024-03-01T00:00:00+00:00"), (3, "2024-03-02T00:00:00+00:00")):
        path = write_lm_result(tmp_path, "imdb", "ngram-kn", order, "kn", 100.0 + order)
        doc = json.loads(path.read_text())
        path.write_text(json.dumps({**doc, "machine": epyc, "finished_at": finished}))
    text, note = render_markdown(tmp_path, "quick")
    sources = [ln for ln in text.splitlines() if ln.startswith("Source:")]
    # the sized run is not in the accuracy table, so not in its source either
    assert sources == [
        "Source: 3 runs finished between 2024-01-01 and 2024-02-03, on 2 machines: "
        "Xeon (family 6 model 167), 2 cores (2 runs); EPYC, 8 cores (1 run).",
        "Source: 2 runs finished between 2024-03-01 and 2024-03-02, on EPYC, 8 cores.",
    ]
    lines = text.splitlines()
    for source in sources:  # right under its table, after a blank line
        i = lines.index(source)
        assert lines[i - 1] == "" and lines[i - 2].startswith("| `")


def test_source_line_without_dates_or_machine():
    from reports.markdown import source_line

    assert source_line([None], ["an unrecorded machine"]) == (
        "Source: 1 run (finish dates not recorded), on an unrecorded machine."
    )
    assert source_line(["2024-05-06T07:00:00+00:00"] * 2, ["m, 4 cores"] * 2) == (
        "Source: 2 runs finished 2024-05-06, on m, 4 cores."
    )
