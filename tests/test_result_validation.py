"""A result exists only if it validates: bad run files are quarantined and redone by the grid,
named by the report, and an unwritable results folder fails in one line before any fit."""

from __future__ import annotations

import errno
import json
import os
import signal

import pytest

from bench.results import InvalidResultError, load_run, read_results, results_home
from tests.synthetic_results import make_result, write_results

#: run files a user (or a crash of something else) can leave behind, and what load_run says
BAD_FILES = {
    "list.json": (b"[1, 2, 3]", "expected a JSON object, got a list"),
    "null.json": (b"null", "expected a JSON object, got null"),
    "latin1.json": ('{"dataset": "café"}'.encode("latin-1"), "not UTF-8"),
    "truncated.json": (b'{"run_id": "0123', "not JSON"),
}


def _main(argv: list[str]) -> int:
    """``bench.cli.main(argv)`` in this process; its exit code."""
    from bench.cli import main

    previous = signal.getsignal(signal.SIGTERM)  # main() turns SIGTERM into KeyboardInterrupt
    try:
        with pytest.raises(SystemExit) as stop:
            main(argv)
    finally:
        signal.signal(signal.SIGTERM, previous)
    return stop.value.code


def _write_bad_files(runs) -> list[str]:
    """Every kind of bad run file into ``runs``; their names."""
    runs.mkdir(parents=True, exist_ok=True)
    for name, (content, _) in BAD_FILES.items():
        (runs / name).write_bytes(content)
    doc = make_result("r8", "nb").to_dict()
    (runs / "wrong-type.json").write_text(json.dumps({**doc, "accuracy": "high"}))
    (runs / "other-identity.json").write_text(json.dumps({**doc, "run_id": "f" * 16}))
    return [*BAD_FILES, "wrong-type.json", "other-identity.json"]


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_load_run_says_why_a_file_cannot_be_used(tmp_path, name):
    content, reason = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidResultError, match=reason):
        load_run(path)


def test_load_run_checks_types_identity_and_the_file_name(tmp_path):
    result = make_result("imdb", "nb")
    doc = result.to_dict()
    path = tmp_path / f"imdb__nb__{result.run_id}.json"
    path.write_text(json.dumps(doc))
    assert load_run(path) == result
    for changes, reason in (
        ({"accuracy": "high"}, "accuracy must be float"),
        ({"n_parameters": "many"}, "n_parameters must be int or null"),
        ({"classes": None}, "classes must be list"),
        ({"identity": {**doc["identity"], "seed": 9}}, "not the hash of its identity"),
        ({"identity": {**doc["identity"], "schema": 99}}, "schema version 99"),
    ):
        path.write_text(json.dumps({**doc, **changes}))
        with pytest.raises(InvalidResultError, match=reason):
            load_run(path)
    del doc["macro_f1"]
    path.write_text(json.dumps(doc))
    with pytest.raises(InvalidResultError, match="missing macro_f1"):
        load_run(path)
    other = make_result("imdb", "nb", seed=1).to_dict()  # valid, but not the run its name says
    path.write_text(json.dumps(other))
    with pytest.raises(InvalidResultError, match="the file name says run"):
        load_run(path)


def test_bench_all_quarantines_a_truncated_run_and_redoes_it(tiny_home, capsys):
    argv = ["all", "--profile", "quick", "--datasets", "sms-spam", "--models", "nb", "--no-lm"]
    assert _main(argv) == 0
    runs = results_home() / "runs"
    (path,) = runs.glob("*.json")
    truncated = path.read_bytes()[:300]
    path.write_bytes(truncated)
    capsys.readouterr()

    assert _main(argv) == 0
    err = capsys.readouterr().err
    assert f"quarantined runs/{path.name} (not JSON" in err
    assert "already have results" not in err
    assert (results_home() / "quarantine" / path.name).read_bytes() == truncated
    assert list(runs.glob("*.json")) == [path]  # redone: exactly one record, and it validates
    assert load_run(path).dataset == "sms-spam"
    assert read_results(results_home())[1] == []


def test_the_report_renders_and_names_every_file_it_cannot_use(tmp_path, capsys):
    from reports.html import render_report
    from reports.markdown import render_markdown

    write_results(tmp_path, [make_result("imdb", "nb")])
    names = _write_bad_files(tmp_path / "runs")

    html = render_report(tmp_path).read_text(encoding="utf-8")
    err = capsys.readouterr().err
    _, note = render_markdown(tmp_path)
    for name in names:
        assert f"runs/{name} (" in html and f"runs/{name} (" in note
        assert f"warning: left out runs/{name} (" in err
    assert f"Left out {len(names)} run files that cannot be used" in note
    assert "accuracy must be float" in note

    assert _main(["report", "--markdown", "--results-dir", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "| `nb` |" in out and all(f"runs/{name} (" in err for name in names)
    assert _main(["report", "--results-dir", str(tmp_path)]) == 0


def _unwritable_results(tmp_path, kind: str):
    """A results folder that cannot be written: a regular file, or a read-only folder (a regular
    file too where chmod does not stop this user, as for root)."""
    target = tmp_path / "elsewhere"
    if kind == "read-only":
        target.mkdir()
        target.chmod(0o500)
        if not os.access(target, os.W_OK):
            return target
        target.chmod(0o700)
        target.rmdir()
    target.write_text("not a folder")
    return target


@pytest.fixture
def no_fit(monkeypatch):
    """Fitting naive Bayes or starting a grid child fails the test."""
    from baselines.naive_bayes import NaiveBayes
    from bench import grid

    def boom(*args, **kwargs):
        raise AssertionError("a fit started although the results cannot be saved")

    monkeypatch.setattr(NaiveBayes, "fit", boom)
    monkeypatch.setattr(grid, "run_child", boom)


@pytest.mark.parametrize("kind", ["regular file", "read-only"])
@pytest.mark.parametrize(
    "command",
    [
        ["run", "--dataset", "sms-spam", "--model", "nb", "--profile", "quick"],
        ["all", "--profile", "quick", "--datasets", "sms-spam", "--models", "nb", "--no-lm"],
        ["report"],
        ["report", "--markdown"],
    ],
    ids=["run", "all", "report", "markdown"],
)
def test_an_unwritable_results_folder_is_one_line_and_exit_2_before_any_fit(
    tiny_home, tmp_path, capsys, no_fit, kind, command
):
    target = _unwritable_results(tmp_path, kind)
    assert _main([*command, "--results-dir", str(target)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and str(target) in err[0]


@pytest.mark.parametrize("folder", ["runs", "models"])  # saving the result, saving the model
def test_a_full_disk_after_the_fit_is_one_line_and_leaves_no_partial_file(
    tiny_home, monkeypatch, capsys, folder
):
    real_replace = os.replace

    def full(src, dst, *args, **kwargs):
        if os.path.basename(os.path.dirname(dst)) == folder:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full)
    code = _main(["run", "--dataset", "sms-spam", "--model", "nb", "--profile", "quick", "--quiet"])
    assert code == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "the disk is full" in errors[0] and "Traceback" not in err
    assert list((results_home() / "runs").iterdir()) == []  # not even a temp file
    if folder == "models":
        assert list((results_home() / "models").iterdir()) == []  # nor a half-saved model
