"""Executors: ``--jobs 2`` and a local Ray instance give the runs (ids, accuracies) of the local
executor; a Ray worker killed with SIGKILL mid-run leaves exactly one complete record; the driver
writes only records that validate and are the run it asked for."""

from __future__ import annotations

import json

import pytest

from bench.executors import LocalExecutor, make_executor
from bench.executors.base import RunTask, cpu_share, thread_env
from bench.grid import plan, run_grid
from bench.results import InvalidResultError, load_results, results_home
from bench.runner import result_path
from tests.fixtures import write_imdb, write_sms

DATASETS = ["sms-spam", "imdb"]


def _plan():
    """Three runs: naive Bayes on both datasets, a BLAS-backed linear model on one."""
    return plan(["sms-spam"], ["nb", "tfidf-lr"], [0], "quick") + plan(
        ["imdb"], ["nb"], [0], "quick"
    )


def _env(mp: pytest.MonkeyPatch, root) -> None:
    for var in ("data", "cache", "results"):
        (root / var).mkdir(exist_ok=True)
    mp.setenv("BENCH_DATA_HOME", str(root / "data"))
    mp.setenv("BENCH_CACHE_DIR", str(root / "cache"))
    mp.setenv("BENCH_RESULTS_DIR", str(root / "results"))
    mp.setenv("BENCH_OFFLINE", "1")
    mp.setenv("BENCH_ALLOW_MODIFIED_DATA", "1")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A tiny data home (sms-spam, imdb) shared by the module, and the local executor's results
    on it: ``(root, {run id: accuracy})``."""
    root = tmp_path_factory.mktemp("executors")
    with pytest.MonkeyPatch.context() as mp:
        _env(mp, root)
        write_sms(root / "data")
        write_imdb(root / "data")
        outcome = run_grid(_plan(), root / "local")
        assert len(outcome.done) == 3 and not outcome.failed
        yield root, _accuracies(root / "local")


def _accuracies(results_dir) -> dict[str, float]:
    return {r.run_id: r.accuracy for r in load_results(results_dir)}


@pytest.fixture
def env(home, monkeypatch):
    _env(monkeypatch, home[0])
    return home


def test_jobs_2_gives_the_local_runs_with_a_share_of_the_cores_each(env, tmp_path, capsys):
    root, local = env
    executor = LocalExecutor(2, cpus=2)
    outcome = run_grid(_plan(), tmp_path, executor=executor)
    assert len(outcome.done) == 3 and not outcome.failed
    assert _accuracies(tmp_path) == local
    record = load_results(tmp_path)[0].executor
    assert record["executor"] == "local" and record["jobs"] == 2 and record["cpus"] == 1
    assert record["node"] and record["cpu"] and record["accelerator"] == "cpu"
    err = capsys.readouterr().err
    assert "local, 2 runs at once, 1 core(s) each" in err and "[3/3] done " in err


def test_a_lone_run_records_the_local_executor(env):
    (record,) = [r.executor for r in load_results(env[0] / "local")][:1]
    assert record["executor"] == "local" and "jobs" not in record


def test_cpu_share_and_thread_caps():
    assert cpu_share(2, 2) == 1 and cpu_share(8, 3) == 2 and cpu_share(1, 4) == 1
    env = thread_env(3, {"executor": "local", "jobs": 2})
    assert env["OMP_NUM_THREADS"] == env["TF_NUM_INTRAOP_THREADS"] == env["BENCH_CPUS"] == "3"
    assert json.loads(env["BENCH_EXECUTOR"]) == {"executor": "local", "jobs": 2}


def test_available_cpus_follows_bench_cpus(monkeypatch):
    from bench.tokenizers.korean_okt import OktTokenizer
    from bench.tokenizers.parallel import default_workers
    from core.cpus import available_cpus

    monkeypatch.setenv("BENCH_CPUS", "1")
    assert available_cpus() == 1
    assert default_workers(OktTokenizer(), 1_000_000) == 1  # slow analyzer, big corpus: capped


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(name="ray", jobs=2), "--jobs is for the local executor"),
        (dict(ray_address="auto"), "--ray-address needs --executor ray"),
    ],
)
def test_executor_options_that_make_no_sense_are_one_line(kwargs, message):
    from bench.errors import BenchError

    with pytest.raises(BenchError, match=message):
        make_executor(**kwargs)


def test_tensorflow_sees_no_gpu_here():
    from bench.sysinfo import execution, tensorflow_gpus

    assert tensorflow_gpus() is None or "tensorflow" in __import__("sys").modules
    assert tensorflow_gpus(load=True) == []  # this machine has none; a GPU machine lists them
    assert execution()["accelerator"] == "cpu"


# --- Ray -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ray_instance(home):
    """One local Ray instance with 2 CPUs for the module, started before the tests set the data
    home: the workers get it only from the driver, as on a cluster."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="warning")
    yield ray
    ray.shutdown()


def test_ray_gives_the_local_runs_and_ships_records_and_models(ray_instance, env, tmp_path):
    root, local = env
    executor = make_executor("ray")
    outcome = run_grid(_plan(), tmp_path, executor=executor)
    assert len(outcome.done) == 3 and not outcome.failed, outcome.failed
    assert _accuracies(tmp_path) == local
    names = sorted(p.name for p in (tmp_path / "runs").glob("*.json"))
    assert names == sorted(p.name for p in (root / "local" / "runs").glob("*.json"))
    for result in load_results(tmp_path):
        assert result.executor["executor"] == "ray" and result.executor["cpus"] == 1
        assert (tmp_path / "models" / result.run_id / "manifest.json").is_file()
        assert result.model_dir == str(tmp_path / "models" / result.run_id)
    # a second invocation finds everything stored, whoever ran it
    again = run_grid(_plan(), tmp_path, executor=executor)
    assert len(again.skipped) == 3 and not again.done


def test_a_ray_worker_killed_mid_run_is_retried_into_one_record(
    ray_instance, env, tmp_path, monkeypatch
):
    marker = tmp_path / "killed-once"
    monkeypatch.setenv("BENCH_TEST_KILL_WORKER_ONCE", str(marker))
    configs = plan(["sms-spam"], ["nb"], [0], "quick")
    outcome = run_grid(configs, tmp_path / "results", executor=make_executor("ray"))
    assert marker.exists()  # the first attempt's worker was killed
    assert len(outcome.done) == 1 and not outcome.failed, outcome.failed
    runs = list((tmp_path / "results" / "runs").iterdir())
    assert [p.name for p in runs if p.is_file()] == [result_path(configs[0], tmp_path).name]
    (result,) = load_results(tmp_path / "results")
    assert result.accuracy == env[1][result.run_id]  # the local executor's run, complete


def test_the_driver_writes_only_a_valid_record_of_the_run_it_asked_for(env, tmp_path):
    from bench.executors.ray_executor import store_record

    root, _ = env
    sms, imdb = plan(DATASETS[:2], ["nb"], [0], "quick")
    record = json.loads(result_path(sms, root / "local").read_text())
    wrong_task = RunTask(imdb, result_path(imdb, tmp_path))
    with pytest.raises(InvalidResultError, match="not"):
        store_record(record, None, wrong_task, tmp_path)
    task = RunTask(sms, result_path(sms, tmp_path))
    with pytest.raises(InvalidResultError, match="accuracy"):
        store_record({**record, "accuracy": 0.5}, None, task, tmp_path)
    assert not list(tmp_path.rglob("*.json"))
    path = store_record(record, None, task, tmp_path)
    assert path == task.path and json.loads(path.read_text())["model_dir"] is None
    assert results_home() == root / "results"


def test_the_report_groups_timings_by_hardware_and_share_of_it():
    from reports.compute import provenance

    machine = {"cpu": "Xeon", "cpu_count": 2, "code_commit": "abcdef0123"}
    alone = provenance(machine, {}, {"executor": "local", "cpus": 2, "accelerator": "cpu"})
    shared = provenance(
        machine, {}, {"executor": "local", "jobs": 2, "cpus": 1, "accelerator": "cpu"}
    )
    gpu = provenance(machine, {}, {"executor": "ray", "cpus": 2, "accelerator": "GPU:0"})
    assert len({alone, shared, gpu}) == 3
    assert alone.endswith("local, 2 cores per run, cpu") and "--jobs 2, 1 core per run" in shared
    assert provenance(machine, {}) == provenance(machine, {}, None)  # older files: as before


def test_jobs_runs_the_lm_children_side_by_side_with_their_share_of_cores(monkeypatch, tmp_path):
    import sys

    from bench import orchestrate

    script = (
        "import os, sys; print('cpus', os.environ['BENCH_CPUS'], file=sys.stderr); sys.exit({})"
    )

    def command(dataset, **_):
        return [sys.executable, "-c", script.format(0 if dataset == "imdb" else 3)]

    monkeypatch.setattr(orchestrate, "lm_child_command", command)
    failed = orchestrate.run_lm_children(
        ["imdb", "r8"], profile="quick", results_dir=tmp_path, executor=LocalExecutor(2, cpus=2)
    )
    assert failed == ["r8 language models: cpus 1"]


def test_bench_lm_jobs_runs_a_child_per_dataset_with_the_neural_choice(monkeypatch, isolated):
    from bench.cli import main
    from bench.executors import local

    seen = []
    monkeypatch.setattr(local, "run_child", lambda cmd, **kw: seen.append(cmd) or (0, ""))
    with pytest.raises(SystemExit) as exc:
        main(["lm", "--datasets", "sms-spam", "r8", "--no-neural", "--jobs", "2"])
    assert exc.value.code == 0
    assert sorted(c[c.index("--datasets") + 1] for c in seen) == ["r8", "sms-spam"]
    assert all("--no-neural" in c for c in seen)
    with pytest.raises(SystemExit) as exc:
        main(["lm", "--datasets", "nope", "--jobs", "2"])
    assert exc.value.code == 2


# --- the language-modelling task through Ray --------------------------------------------------

LM_ARGS = ["lm", "--profile", "quick", "--datasets", "sms-spam", "--no-neural"]


def _bench(*argv) -> int:
    from bench.cli import main

    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    return exc.value.code


def _perplexities(folder) -> dict[str, float]:
    return {p.name: json.loads(p.read_text())["perplexity"] for p in folder.glob("lm/*.json")}


def test_ray_runs_the_lm_task_per_dataset_as_locally_and_resumes(
    ray_instance, env, tmp_path, capsys, monkeypatch
):
    local, remote = tmp_path / "local", tmp_path / "ray"
    assert _bench(*LM_ARGS, "--results-dir", str(local)) == 0
    marker = tmp_path / "killed-once"  # the first attempt's worker is killed, the task retried
    monkeypatch.setenv("BENCH_TEST_KILL_WORKER_ONCE", str(marker))
    assert _bench(*LM_ARGS, "--results-dir", str(remote), "--executor", "ray") == 0
    monkeypatch.delenv("BENCH_TEST_KILL_WORKER_ONCE")
    assert marker.exists()
    expected = _perplexities(local)
    assert len(expected) > 5 and _perplexities(remote) == expected
    err = capsys.readouterr().err
    assert f"[LM 1/1] sms-spam: {len(expected)} result(s) written" in err
    # resuming: the stored records go to the task, which skips them; nothing is rewritten
    mtimes = {p.name: p.stat().st_mtime_ns for p in remote.glob("lm/*.json")}
    assert _bench(*LM_ARGS, "--results-dir", str(remote), "--executor", "ray") == 0
    err = capsys.readouterr().err
    assert "language models already have results" in err and "0 result(s) written" in err
    assert {p.name: p.stat().st_mtime_ns for p in remote.glob("lm/*.json")} == mtimes


def test_bench_lm_refuses_jobs_with_ray_in_one_line(isolated, capsys):
    assert _bench("lm", "--datasets", "sms-spam", "--executor", "ray", "--jobs", "2") == 2
    assert "--jobs is for the local executor" in capsys.readouterr().err


def _lm_record(dataset="sms-spam", **changes) -> tuple[str, dict]:
    """A hand-made LM record that validates, and its file name."""
    from bench.executors.ray_lm import lm_file_name
    from bench.results import run_id

    identity = {"dataset": dataset, "model": "ngram-mkn", "order": 2, "profile": "quick"}
    record = {"task": "lm", "dataset": dataset, "model": "ngram-mkn", "perplexity": 42.0}
    record.update(tokens=100, run_id=run_id(identity), identity=identity, **changes)
    return lm_file_name(identity, record["run_id"]), record


def _model_tar(tmp_path, identity: dict) -> bytes:
    from bench.executors.ray_task import tar_folder
    from bench.results import run_id

    folder = tmp_path / "model"
    folder.mkdir(exist_ok=True)
    manifest = {"run_id": run_id(identity), "identity": identity, "fit_seconds": 1.0}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return tar_folder(folder, 2**20)


def test_the_driver_writes_only_valid_lm_records_of_the_dataset_asked_for(tmp_path):
    from bench.executors.ray_lm import store_lm_payload, stored_lm_files
    from bench.results import run_id

    name, record = _lm_record()
    r8_name, r8 = _lm_record("r8")
    scratch = "/scratch/bench-ray-lm-x"
    bad = {
        "perplexity": {name: json.dumps({**record, "perplexity": "low"})},
        "hash": {name: json.dumps({**record, "run_id": "0" * 12})},
        "not 'sms-spam'": {r8_name: json.dumps(r8)},
        "names it": {"other-name.json": json.dumps(record)},
        "not a JSON record": {name: "{not json"},
    }
    results = tmp_path / "results"
    for message, records in bad.items():
        with pytest.raises(InvalidResultError, match=message):
            valid_too = {name: json.dumps(record), **records}  # the valid one is not written
            store_lm_payload({"records": valid_too, "scratch": scratch}, "sms-spam", results)
    # a model of another run, next to a valid record: nothing of the dataset is written
    other = _model_tar(tmp_path, {"dataset": "sms-spam", "model": "lstm-lm", "seed": 1})
    with pytest.raises(InvalidResultError, match="manifest"):
        payload = {"records": {name: json.dumps(record)}, "models": {"abc": other}}
        store_lm_payload(payload, "sms-spam", results)
    assert not results.exists()
    # valid: the model unpacked, the record written where a local run writes it
    identity = {"dataset": "sms-spam", "model": "lstm-lm", "seed": 0, "profile": "quick"}
    rid = run_id(identity)
    restored = {"folder": f"{scratch}/lm/models/{rid}", "saved_at": "x", "load_seconds": 0.1}
    payload = {
        "records": {name: json.dumps({**record, "restored_model": restored})},
        "models": {rid: _model_tar(tmp_path, identity)},
        "scratch": scratch,
    }
    (path,) = store_lm_payload(payload, "sms-spam", results)
    assert path == results / "lm" / name
    stored = json.loads(path.read_text())
    assert stored["perplexity"] == 42.0
    assert stored["restored_model"]["folder"] == str(results / "lm" / "models" / rid)
    assert json.loads((results / "lm" / "models" / rid / "manifest.json").read_text())["run_id"]
    # what a resuming task is sent: this dataset's records, the models it may read
    (results / "lm" / r8_name).write_text(json.dumps(r8))
    gru = {**identity, "model": "gru-lm"}  # its record is stored: its model is never read
    store_lm_payload({"models": {run_id(gru): _model_tar(tmp_path, gru)}}, "sms-spam", results)
    gru_name = f"sms-spam__gru-lm__o0__quick__{run_id(gru)}.json"
    (results / "lm" / gru_name).write_text("{}")
    records, models = stored_lm_files(results, "sms-spam", "quick", 2**20)
    assert sorted(records) == sorted([name, gru_name]) and list(models) == [rid]
    assert stored_lm_files(results, "sms-spam", "quick", 10)[1] == {}  # over the limit
    assert stored_lm_files(results, "sms-spam", "default", 2**20) == ({}, {})
