"""A dataset from a user's own file: read with pandas/pyarrow, split as declared, identified by its
checksum, columns and split rule, and refused in one line when it cannot make a dataset."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from bench.datasets import get_dataset
from bench.datasets.user_files import FileSource, detect_language

ROOT = Path(__file__).resolve().parent.parent


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    from bench.cli import main

    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out = capsys.readouterr()
    return exited.value.code, out.out, out.err


def reviews(n: int = 60) -> pd.DataFrame:
    """A small English corpus whose classes words tell apart (so any model learns it)."""
    rows = []
    for i in range(n):
        good = i % 3 != 0
        word = "wonderful lovely great" if good else "awful dreadful boring"
        rows.append({"review": f"{word} film number {i}", "stars": "good" if good else "bad"})
    return pd.DataFrame(rows)


def test_every_format_reads_the_same_dataset(isolated):
    frame = reviews()
    paths = {
        ".csv": lambda p: frame.to_csv(p, index=False),
        ".tsv": lambda p: frame.to_csv(p, sep="\t", index=False),
        ".jsonl": lambda p: frame.to_json(p, orient="records", lines=True),
        ".parquet": lambda p: frame.to_parquet(p),
    }
    loaded = []
    for suffix, write in paths.items():
        path = isolated / f"reviews{suffix}"
        write(path)
        spec = FileSource("reviews", str(path), "review", "stars").spec()
        data = spec.load()
        loaded.append((spec.classes, data.train.texts, data.train.labels.tolist(), data.test.texts))
    assert all(item == loaded[0] for item in loaded)
    classes, train_texts, _, test_texts = loaded[0]
    assert classes == ("bad", "good")
    assert len(train_texts) + len(test_texts) == 60 and len(test_texts) == 12


def test_the_split_column_and_a_test_file_are_used_as_given(isolated):
    frame = reviews()
    frame["split"] = ["test" if i % 4 == 0 else "train" for i in range(len(frame))]
    frame.to_csv(isolated / "split.csv", index=False)
    data = FileSource("s", str(isolated / "split.csv"), "review", "stars").spec().load()
    assert data.test.texts == frame[frame.split == "test"].review.tolist()
    frame[:40].drop(columns="split").to_csv(isolated / "train.csv", index=False)
    frame[40:].drop(columns="split").to_csv(isolated / "test.csv", index=False)
    source = FileSource(
        "t", str(isolated / "train.csv"), "review", "stars", test_file=str(isolated / "test.csv")
    )
    data = source.spec().load()
    assert data.train.texts == frame.review[:40].tolist()
    assert data.test.texts == frame.review[40:].tolist()


def test_integer_labels_are_ordered_numerically_and_kept_by_name(isolated):
    frame = pd.DataFrame({"text": [f"w{i % 3} x{i}" for i in range(90)], "label": 0})
    frame["label"] = [(2, 10, 9)[i % 3] for i in range(90)]
    frame.to_csv(isolated / "ints.csv", index=False)
    spec = FileSource("ints", str(isolated / "ints.csv")).spec()
    assert spec.classes == ("2", "9", "10")


def test_language_is_detected_from_hangul():
    assert detect_language(["정말 재미있는 영화였다 ㅋㅋ 10점", "OST가 좋다"]) == "ko"
    assert detect_language(["a fine film", "월요일 Monday"]) == "en"


def test_the_run_identity_covers_the_file_its_columns_and_its_split(isolated):
    from bench.runner import make_config, result_path

    path = isolated / "reviews.csv"
    frame = reviews()
    frame.to_csv(path, index=False)

    def where(**options):
        from bench.datasets import catalogue

        catalogue.use_results_dir(isolated / "results")
        name = catalogue.use_file(str(path), text_column="review", label_column="stars", **options)
        return result_path(make_config(name, "nb"), isolated / "results").name

    first = where()
    assert where() == first
    assert where(split_seed=1) != first
    assert where(test_size=0.3) != first
    frame.loc[0, "review"] = "a changed review"
    frame.to_csv(path, index=False)
    assert where() != first


def test_sms_as_a_csv_gives_the_registered_datasets_result(real_home, tmp_path, capsys):
    """The issue's check: the SMS Spam Collection as a CSV of string labels under columns of
    our choosing, split as the registered dataset is, gives the same accuracy and predictions."""
    rows = [
        line.rstrip("\n").split("\t", 1)
        for line in open(real_home / "sms_spam" / "SMSSpamCollection", encoding="utf-8")
    ]
    csv = tmp_path / "sms.csv"
    pd.DataFrame({"category": [r[0] for r in rows], "message": [r[1] for r in rows]}).to_csv(
        csv, index=False
    )
    args = ("--model", "nbsvm", "--json", "--quiet")
    code, out, _ = cli(
        capsys,
        "run",
        "--dataset",
        str(csv),
        "--text-column",
        "message",
        "--label-column",
        "category",
        "--split-seed",
        "20110101",
        *args,
    )
    assert code == 0
    mine = json.loads(out)
    code, out, _ = cli(capsys, "run", "--dataset", "sms-spam", *args)
    theirs = json.loads(out)
    assert mine["dataset"] == "sms" and mine["classes"] == theirs["classes"] == ["ham", "spam"]
    assert (mine["train_size"], mine["test_size"]) == (theirs["train_size"], theirs["test_size"])
    assert mine["accuracy"] == theirs["accuracy"]
    assert mine["confusion_matrix"] == theirs["confusion_matrix"]


def test_a_korean_jsonl_is_detected_and_gets_the_profiles_korean_analyzer(real_home, tmp_path):
    from bench.datasets import catalogue
    from bench.runner import make_config

    nsmc = pd.read_csv(
        real_home / "nsmc" / "ratings_train.txt", sep="\t", quoting=3, keep_default_na=False
    ).head(300)
    path = tmp_path / "reviews.jsonl"
    nsmc.rename(columns={"document": "review"}).to_json(
        path, orient="records", lines=True, force_ascii=False
    )
    catalogue.use_results_dir(tmp_path / "results")
    name = catalogue.use_file(str(path), text_column="review", drop_empty=True)
    assert get_dataset(name).language == "ko"
    assert make_config(name, "nb").tokenizer == "mecab"  # the default profile's analyzer
    assert make_config(name, "nb", profile="quick").tokenizer == "korean-ws"


@pytest.mark.parametrize(
    "content, flags, says",
    [
        ("review,stars\na,b\n", (), "its columns are ['review', 'stars']"),
        ("text,label\na,x\nb,x\nc,x\n", (), "one class only ('x')"),
        ("text,label\na,x\nb,x\nc,x\nd,y\ne,y\nf,y\ng,z\n", (), "'z' has 1"),
        ("text,label\na,x\n,x\nc,x\nd,y\n  ,y\nf,y\n", (), "2 of 6 row(s) have an empty"),
        ("text,label\na,x\nb,\nc,y\n", (), "1 row(s) have no 'label'"),
        ("text,label,split\na,x,train\nb,y,dev\n", (), "holds ['dev']"),
        (b"text,label\n\xff\xfeabc,x\n", (), "byte 0xff is not UTF-8"),
        ("text,label\na,x\n", ("--name", "imdb"), "name of a built-in dataset"),
    ],
)
def test_a_bad_file_is_one_line_exit_2_and_nothing_written(isolated, capsys, content, flags, says):
    path = isolated / "bad.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    code, out, err = cli(capsys, "run", "--dataset", str(path), "--model", "nb", *flags)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and says in err, err
    assert not any((isolated / "results").iterdir())


def test_unknown_file_types_missing_files_and_stray_options_are_one_line(isolated, capsys):
    (isolated / "notes.txt").write_text("hello\n")
    for argv, says in [
        (("--dataset", str(isolated / "notes.txt")), "unknown file type '.txt'"),
        (("--dataset", str(isolated / "nope.csv")), "no such data file"),
        (("--dataset", "sms-spam", "--text-column", "x"), "--text-column describe(s) a data"),
    ]:
        code, _, err = cli(capsys, "run", *argv, "--model", "nb")
        assert code == 2 and err.count("\n") == 1 and says in err, err


def test_drop_empty_skips_the_empty_rows(isolated):
    frame = reviews()
    frame.loc[[3, 7], "review"] = ["", "   "]
    frame.to_csv(isolated / "gaps.csv", index=False)
    spec = FileSource("g", str(isolated / "gaps.csv"), "review", "stars", drop_empty=True).spec()
    data = spec.load()
    assert len(data.train) + len(data.test) == 58
    assert spec.extra["identity"]["data_source"]["drop_empty"] is True


def test_a_used_file_is_listed_and_runs_by_name_in_a_grid_and_predict(isolated, capsys):
    reviews(90).to_csv(isolated / "My Reviews.csv", index=False)
    file_flags = ("--text-column", "review", "--label-column", "stars")
    code, _, err = cli(
        capsys, "run", "--dataset", str(isolated / "My Reviews.csv"), *file_flags, "--model", "nb"
    )
    assert code == 0, err
    code, out, _ = cli(capsys, "list", "--json")
    row = next(d for d in json.loads(out)["datasets"] if d["name"] == "my-reviews")
    assert row["user_supplied"] and row["source"]["text_column"] == "review"
    # a grid's runs are child processes: they find the dataset by name in the results folder
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    grid = subprocess.run(
        [sys.executable, "-m", "bench", "all", "--datasets", "my-reviews", "--models", "nb"]
        + ["cnb", "--profile", "quick", "--no-lm", "--no-report"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert grid.returncode == 0, grid.stderr
    runs = sorted(p.name for p in (isolated / "results" / "runs").glob("*.json"))
    assert [r.split("__")[:2] for r in runs] == [
        ["my-reviews", "cnb"],
        ["my-reviews", "nb"],
        ["my-reviews", "nb"],
    ]
    code, out, _ = cli(capsys, "predict", "--dataset", "my-reviews", "--model", "nb", "lovely")
    assert code == 0 and out.startswith("good ")


def test_a_datasets_file_names_a_teams_corpora(isolated, capsys):
    corpora = isolated / "corpora"
    corpora.mkdir()
    reviews().to_csv(corpora / "reviews.csv", index=False)
    (corpora / "datasets.toml").write_text(
        '[datasets.team-reviews]\npath = "reviews.csv"\ntext_column = "review"\n'
        'label_column = "stars"\ndescription = "our course reviews"\ncitation = "Us (2026)"\n'
    )
    code, out, err = cli(
        capsys, "list", "--json", "--datasets-file", str(corpora / "datasets.toml")
    )
    assert code == 0, err
    row = next(d for d in json.loads(out)["datasets"] if d["name"] == "team-reviews")
    assert (row["task"], row["citation"], row["train_size"]) == (
        "our course reviews",
        "Us (2026)",
        48,
    )
    (corpora / "datasets.toml").write_text('[datasets.x]\npath = "reviews.csv"\ncolumns = 3\n')
    code, _, err = cli(capsys, "list", "--datasets-file", str(corpora / "datasets.toml"))
    assert code == 2 and "unknown key(s) ['columns']" in err and err.count("\n") == 1
