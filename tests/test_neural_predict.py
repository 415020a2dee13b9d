"""``python -m bench predict``: runs save their model; predict loads the last one of a
configuration.
"""

from __future__ import annotations

import json
import re

import pytest

from bench.cli import main
from bench.results import results_home
from bench.runner import make_config, run
from tests.test_cli import assert_one_line_error, bench

FAST = {"epochs": 1, "verbose": False, "embed_dim": 8}


def cli(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def test_without_a_saved_model_names_the_run_command(tiny_home):
    proc = bench("predict", "--dataset", "sms-spam", "--model", "lstm", "free prize")
    assert_one_line_error(
        proc,
        "no saved lstm model",
        "python -m bench run --dataset sms-spam --model lstm --profile default",
    )
    assert_one_line_error(
        bench("predict", "--dataset", "sms-spam", "--model", "lstm"), "nothing to predict"
    )
    assert_one_line_error(
        bench("predict", "--dataset", "sms-spam", "--model", "lstn", "x"), "'lstm'"
    )


def test_korean_run_saves_its_model_and_predict_uses_it(tiny_home, tmp_path, capsys):
    result = run(
        make_config("nsmc", "fasttext", profile="quick", params=FAST),
        results_dir=results_home(),
        quiet=True,
    )
    assert result.model_bytes > 0 and result.seconds_per_epoch > 0 and result.train_docs_per_s > 0
    manifest = json.loads((results_home() / "models" / result.run_id / "manifest.json").read_text())
    assert manifest["tokenizer"]["name"] == "korean-ws" and manifest["classes"] == result.classes

    texts = tmp_path / "texts.txt"
    texts.write_text("정말 최고의 영화 추천!!\n\n최악 지루하다 ㅋㅋ\n", encoding="utf-8")
    proc = bench(
        "predict",
        "--dataset",
        "nsmc",
        "--model",
        "fasttext",
        "--profile",
        "quick",
        "--input",
        str(texts),
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 2
    assert all(set(r) == {"label", "probability", "known_tokens"} for r in rows)
    assert all(r["known_tokens"] > 0 for r in rows)
    assert all(r["label"] in result.classes and 0.5 <= r["probability"] <= 1 for r in rows)

    code, out, _ = cli(
        capsys,
        "predict",
        "--dataset",
        "nsmc",
        "--model",
        "fasttext",
        "--profile",
        "quick",
        "재밌다 감동",
    )
    assert code == 0 and re.fullmatch(r"\S+ \d{1,3}\.\d\d%", out.strip())


def test_classic_models_are_pickled(tiny_home, capsys):
    run(make_config("sms-spam", "nb", profile="quick"), results_dir=results_home(), quiet=True)
    code, out, _ = cli(
        capsys,
        "predict",
        "--dataset",
        "sms-spam",
        "--model",
        "nb",
        "--profile",
        "quick",
        "--json",
        "free prize call now",
        "see you at lunch",
    )
    assert code == 0
    assert [json.loads(line)["label"] in ("ham", "spam") for line in out.splitlines()] == [
        True,
        True,
    ]
