"""A user's own runs beside the shipped reference results (``bench report --reference``).

The project ships the default profile's validated run files as ``reference/default-profile.tar.gz``
at the root of a source checkout. A run id hashes the run's identity (dataset, model, tokenizer
configuration, profile, seed, model parameters, data checksum), so a user's run of the same
configuration on the same data has the reference run's id; each such pair becomes one row: the
accuracy difference, the fit-time and prediction-speed ratios (yours / reference) and both CPUs.

Whether the two accuracies disagree beyond what a seed changes is decided in one of two ways:

- the reference holds two or more seeds of the configuration (``bench.results.config_key``): the
  user's accuracy differs when it lies outside the seeds' [min - tol, max + tol];
- otherwise McNemar's paired test (``bench.stats.mcnemar``) on the per-example predictions of the
  same test set flags a difference at p < 0.05; test labels that differ make the pair "not
  comparable".

Never imports a model.
"""

from __future__ import annotations

import tarfile
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.errors import BenchError
from bench.results import RunResult, config_key, read_results
from bench.stats import mcnemar

SHIPPED = Path(__file__).resolve().parent.parent / "reference" / "default-profile.tar.gz"
ALPHA = 0.05
# Two or three seeds show less than the whole seed spread, so the range is widened by this much
# accuracy on each side before a run is called different.
SPREAD_TOLERANCE = 0.01


def load_reference(path: str | Path | None = None) -> tuple[list[RunResult], list[str]]:
    """The valid classification runs in the reference tarball ``path`` (default: the shipped
    one), and one line naming each run file left out and why. A missing or unreadable archive
    is a one-line ``BenchError``."""
    archive = Path(path) if path is not None else SHIPPED
    if not archive.is_file():
        if path is None:
            raise BenchError(
                f"the shipped reference results ({SHIPPED.name}) are not in this installation: "
                "they come with a source checkout of nlp-bench (reference/ at its root); give "
                "the archive's path: --reference PATH"
            )
        raise BenchError(f"no reference archive at {archive}; give a .tar.gz of result files")
    with tempfile.TemporaryDirectory(prefix="bench-reference-") as tmp:
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BenchError(f"cannot read the reference archive {archive}: {exc}") from None
        root = Path(tmp)
        if not (root / "runs").is_dir():  # an archive of the results folder's contents, or of it
            found = sorted(root.glob("*/runs"))
            root = found[0].parent if found else root
        runs, problems = read_results(root)
    if not runs:
        raise BenchError(f"no valid run files under runs/ in the reference archive {archive}")
    return runs, problems


@dataclass
class Comparison:
    """One row per run found on both sides, and how many runs only one side holds."""

    rows: list[dict] = field(default_factory=list)
    only_yours: int = 0
    only_reference: int = 0
    tol: float = SPREAD_TOLERANCE

    def for_profile(self, profile: str) -> "Comparison":
        """The rows of one profile's runs (a report page), with the counts of the whole."""
        rows = [r for r in self.rows if r["profile"] == profile]
        return Comparison(rows, self.only_yours, self.only_reference, self.tol)

    @property
    def n_differ(self) -> int:
        return sum(r["flag"] == "differs" for r in self.rows)

    def summary(self) -> str:
        """The plain-text line ``bench report --reference`` prints on stderr."""
        return (
            f"reference: {len(self.rows)} runs compared, {self.n_differ} differ beyond the seed "
            f"spread; {self.only_yours} of yours not in the reference, {self.only_reference} "
            "reference runs not among yours"
        )


def _ratio(mine, theirs) -> float | None:
    if mine is None or not theirs:
        return None
    return float(mine) / float(theirs)


def _cpu(machine: dict) -> str:
    """The CPU's name and, where recorded, its generation: two kinds may share a name."""
    name, kind = machine.get("cpu") or "?", machine.get("cpu_generation")
    return f"{name} ({kind})" if kind else name


def _verdict(mine: RunResult, ref: RunResult, seeds: list[RunResult], tol: float) -> dict:
    """flag (``agree``, ``differs``, ``not comparable``) and how it was decided."""
    if len(seeds) >= 2:
        accs = [s.accuracy for s in seeds]
        lo, hi = min(accs) - tol, max(accs) + tol
        inside = lo <= mine.accuracy <= hi
        return {
            "flag": "agree" if inside else "differs",
            "test": f"{len(seeds)} reference seeds {min(accs):.4f}–{max(accs):.4f} ± {tol:g}",
            "p_value": None,
        }
    if not mine.test_predictions or not ref.test_predictions:
        return {"flag": "not comparable", "test": "no stored predictions", "p_value": None}
    if list(mine.test_labels) != list(ref.test_labels):
        return {"flag": "not comparable", "test": "different test labels", "p_value": None}
    test = mcnemar(mine.test_predictions, ref.test_predictions, ref.test_labels)
    return {
        "flag": "differs" if test.significant(ALPHA) else "agree",
        "test": f"McNemar p = {test.p_value:.3g} ({test.a_only} vs {test.b_only} discordant)",
        "p_value": test.p_value,
    }


def compare(
    user_runs: list[RunResult], reference_runs: list[RunResult], *, tol: float = SPREAD_TOLERANCE
) -> Comparison:
    """Each user run beside the reference run of the same id (same configuration and data)."""
    by_id = {r.run_id: r for r in reference_runs}
    by_config: dict[str, list[RunResult]] = defaultdict(list)
    for r in reference_runs:
        by_config[config_key(r.identity)].append(r)
    out = Comparison(tol=tol)
    matched = set()
    for mine in sorted(user_runs, key=lambda r: (r.dataset, r.model, r.seed, r.run_id)):
        ref = by_id.get(mine.run_id)
        if ref is None:
            out.only_yours += 1
            continue
        matched.add(ref.run_id)
        out.rows.append(
            {
                "run_id": mine.run_id,
                "dataset": mine.dataset,
                "model": mine.model,
                "tokenizer": mine.tokenizer.get("name", "?"),
                "profile": mine.profile,
                "seed": mine.seed,
                "accuracy": mine.accuracy,
                "reference_accuracy": ref.accuracy,
                "difference": mine.accuracy - ref.accuracy,
                "fit_ratio": _ratio(mine.fit_seconds, ref.fit_seconds),
                "predict_ratio": _ratio(mine.predict_docs_per_s, ref.predict_docs_per_s),
                "cpu": _cpu(mine.machine),
                "reference_cpu": _cpu(ref.machine),
                **_verdict(mine, ref, by_config[config_key(ref.identity)], tol),
            }
        )
    out.only_reference = len(by_id.keys() - matched)
    return out


def _times(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def markdown_table(comparison: Comparison) -> str:
    """The comparison as a Markdown table, with a line on the runs only one side holds."""
    header = [
        "dataset",
        "model",
        "tokenizer",
        "seed",
        "yours",
        "reference",
        "difference",
        "fit time (yours / ref)",
        "predict speed (yours / ref)",
        "flag",
        "decided by",
        "your CPU",
        "reference CPU",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in comparison.rows:
        flag = f"**{r['flag']}**" if r["flag"] == "differs" else r["flag"]
        cells = [
            r["dataset"],
            f"`{r['model']}`",
            r["tokenizer"],
            str(r["seed"]),
            f"{r['accuracy']:.4f}",
            f"{r['reference_accuracy']:.4f}",
            f"{r['difference']:+.4f}",
            _times(r["fit_ratio"]),
            _times(r["predict_ratio"]),
            flag,
            r["test"],
            r["cpu"],
            r["reference_cpu"],
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines.append("")
    lines.append(
        f"{len(comparison.rows)} runs compared, {comparison.n_differ} differ beyond the seed "
        f"spread; {comparison.only_yours} of yours have no reference run, "
        f"{comparison.only_reference} reference runs are not among yours."
    )
    return "\n".join(lines)


def reference_comparison(
    results_dir: Path, path: str | Path | None = None, profile: str | None = None
) -> tuple[Comparison, list[str]]:
    """``results_dir``'s valid runs (of ``profile`` when given) beside the reference at ``path``;
    and one line per reference run file left out. A results folder with no valid runs is a
    one-line ``BenchError``."""
    reference, problems = load_reference(path)
    mine, _ = read_results(results_dir)
    if profile is not None:
        mine = [r for r in mine if r.profile == profile]
        reference = [r for r in reference if r.profile == profile]
    if not mine:
        which = f"of profile {profile!r} " if profile is not None else ""
        raise BenchError(
            f"no results {which}in {results_dir / 'runs'} to compare with the reference; run "
            "`python -m bench run` or `python -m bench all` first"
        )
    return compare(mine, reference), problems
