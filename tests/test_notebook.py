"""The notebook in docs/ runs end to end, through a real Jupyter kernel, on a quick slice."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "your-data.ipynb"


def test_the_your_data_notebook_runs_the_whole_loop(real_home, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("NOTEBOOK_PROFILE", "quick")
    monkeypatch.setenv("NOTEBOOK_MODELS", "nb nbsvm lstm")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, if a cell fails
    printed = "\n".join(
        out.get("text", "")
        for cell in notebook.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stdout"
    )
    assert "en: 4,459 train / 1,115 test texts" in printed
    assert "sms x nbsvm: accuracy 0.9" in printed
    assert "best: " in printed
    results = Path(tmp_path)
    runs = sorted(p.name.split("__")[1] for p in (results / "results" / "runs").glob("sms__*"))
    assert runs == ["lstm", "nb", "nbsvm"]
    assert (results / "results" / "report" / "index.html").is_file()
