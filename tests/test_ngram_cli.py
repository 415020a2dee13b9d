"""``bench ngram`` gives no silent wrong answers: the ARPA destination is checked before anything
is fitted and written atomically, only smoothings with a perplexity are offered, ``--sample`` is
capped, and an interrupt says what it means for this command."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

import baselines.ngram.arpa as arpa_module
from baselines.ngram import SMOOTHINGS
from baselines.ngram.textfiles import MAX_SAMPLE, evaluate_files, normalised_smoothings
from bench import cli
from core.scoring import LMInputError

DATA = Path(__file__).parent / "data" / "ngram"
TRAIN, TEST = str(DATA / "toy_train.txt"), str(DATA / "toy_test.txt")


def run_ngram(capsys, *extra: str, train: str = TRAIN) -> tuple[int, list[str]]:
    """Exit code and stderr lines of ``bench ngram`` (order 2, mkn) run in this process."""
    argv = ["ngram", "--train", train, "--test", TEST, "--order", "2", "--smoothing", "mkn"]
    with pytest.raises(SystemExit) as stop:
        cli.main([*argv, *extra])
    return stop.value.code, capsys.readouterr().err.strip().splitlines()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- D6: the ARPA destination ---------------------------------------------------------------------
def test_arpa_to_a_folder_is_refused_before_any_file_is_read(tmp_path, capsys):
    # the training file is missing: an error about it would mean the ARPA check came too late
    code, err = run_ngram(capsys, "--arpa", str(tmp_path), train=str(tmp_path / "missing.txt"))
    assert code == 2 and len(err) == 1
    assert err[0].startswith("error:") and "is a folder" in err[0] and "--arpa" in err[0]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["proc", "file-in-the-way"])
def test_arpa_to_an_unwritable_place_is_one_line_before_fitting(tmp_path, capsys, where):
    (tmp_path / "plain.txt").write_text("x")
    target = {
        "proc": Path("/proc/nope/x.arpa"),
        "file-in-the-way": tmp_path / "plain.txt" / "x.arpa",
    }[where]
    code, err = run_ngram(capsys, "--arpa", str(target), train=str(tmp_path / "missing.txt"))
    assert code == 2 and len(err) == 1
    assert err[0].startswith("error: cannot write the ARPA file") and str(target) in err[0]
    assert leftovers(tmp_path) == ["plain.txt"]


def test_the_destination_check_leaves_no_folder_behind_but_writing_makes_it(tmp_path, capsys):
    target = tmp_path / "new" / "sub" / "x.arpa"
    code, err = run_ngram(capsys, "--arpa", str(target), train=str(tmp_path / "missing.txt"))
    assert code == 2 and "no such file" in err[0] and leftovers(tmp_path) == []
    code, _ = run_ngram(capsys, "--arpa", str(target))
    assert code == 0 and target.read_text().startswith("\\data\\\n")
    assert leftovers(target.parent) == ["x.arpa"]


def test_a_full_disk_mid_write_leaves_no_arpa_and_no_temp_file(tmp_path, capsys, monkeypatch):
    real = arpa_module._write_section

    def fill_the_disk(model, out, n, text):
        if n == 2:  # the header and the unigrams are out: a truncated file if left
            out.write("-1.5\tpartial")
            raise OSError(errno.ENOSPC, "No space left on device")
        real(model, out, n, text)

    monkeypatch.setattr(arpa_module, "_write_section", fill_the_disk)
    code, err = run_ngram(capsys, "--arpa", str(tmp_path / "model.arpa"))
    assert code == 2 and len(err) == 1
    assert "cannot write the ARPA file" in err[0] and "the disk is full" in err[0]
    assert leftovers(tmp_path) == []


def test_an_interrupt_mid_write_leaves_no_arpa_and_says_nothing_was_written(
    tmp_path, capsys, monkeypatch
):
    def interrupted(model, out, n, text):
        out.write("partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(arpa_module, "_write_section", interrupted)
    code, err = run_ngram(capsys, "--arpa", str(tmp_path / "model.arpa"))
    assert code == 130 and err == ["interrupted; nothing was written"]
    assert leftovers(tmp_path) == []


def test_an_existing_arpa_is_replaced_whole(tmp_path, capsys):
    target = tmp_path / "model.arpa"
    target.write_text("old")
    code, _ = run_ngram(capsys, "--arpa", str(target))
    assert code == 0 and target.read_text().endswith("\n\\end\\\n")
    assert leftovers(tmp_path) == ["model.arpa"]


# -- D18: only smoothings with a perplexity are offered --------------------------------------------
def test_help_lists_exactly_the_normalised_smoothings():
    names = normalised_smoothings()
    assert names == [n for n in SMOOTHINGS if SMOOTHINGS.get(n).normalised]
    assert "stupid-backoff" not in names and {"mle", "mkn"} <= set(names)
    parser = cli.build_parser()
    sub = next(a for a in parser._subparsers._group_actions if a.dest == "command")
    text = " ".join(sub.choices["ngram"].format_help().split())
    assert "stupid-backoff" not in text and ", ".join(names) in text


def test_stupid_backoff_refusal_says_why(capsys):
    code, err = run_ngram(capsys, "--smoothing", "stupid-backoff")
    assert code == 2 and len(err) == 1
    assert "rank" in err[0] and "no perplexity" in err[0] and "mkn" in err[0]


# -- D19: --sample is capped; the interrupt message fits the command ------------------------------
@pytest.mark.parametrize("value", ["0", "-1", str(MAX_SAMPLE + 1), "1000"])
def test_sample_outside_one_to_the_cap_is_refused_before_reading(tmp_path, capsys, value):
    code, err = run_ngram(capsys, "--sample", value, train=str(tmp_path / "missing.txt"))
    assert code == 2 and err[-1].startswith("python -m bench ngram: error:")
    assert "--sample" in err[-1] and "no such file" not in err[-1]


def test_sample_cap_holds_for_callers_of_evaluate_files(tmp_path):
    with pytest.raises(LMInputError, match="--sample"):
        evaluate_files(
            tmp_path / "missing.txt", TEST, order=2, smoothing="mkn", sample=MAX_SAMPLE + 1
        )


def test_sample_at_the_cap_is_accepted():
    args = cli.build_parser().parse_args(
        ["ngram", "--train", TRAIN, "--test", TEST, "--order", "2", "--smoothing", "kn"]
        + ["--sample", str(MAX_SAMPLE)]
    )
    assert args.sample == MAX_SAMPLE


def test_interrupting_ngram_does_not_talk_of_saved_runs(capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("baselines.ngram.textfiles.evaluate_files", interrupted)
    code, err = run_ngram(capsys, "--sample", "5")
    assert code == 130 and err == ["interrupted; nothing was written"]


def test_interrupting_a_grid_still_says_runs_are_saved(capsys, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "lm", interrupted)
    with pytest.raises(SystemExit) as stop:
        cli.main(["lm"])
    err = capsys.readouterr().err.strip().splitlines()
    assert stop.value.code == 130 and err == [
        "interrupted; completed runs are saved, run the same command again to resume"
    ]
