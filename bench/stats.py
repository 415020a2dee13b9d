"""Paired significance tests on stored per-example predictions.

McNemar's test (McNemar 1947; Dietterich 1998 recommends it for comparing two classifiers on one
test set) looks only at the test examples where exactly one of the two models is right: ``b``
where A is right and B wrong, ``c`` the other way round. Under the null hypothesis (equal error
rates) each such example is a fair coin flip. With few of them (``b + c < EXACT_BELOW``) the exact
two-sided binomial test is used; otherwise the chi-square statistic with continuity correction,
``(|b - c| - 1)^2 / (b + c)`` on one degree of freedom (Edwards 1948).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

EXACT_BELOW = 25  # discordant pairs below which the chi-square approximation is poor


@dataclass(frozen=True)
class McNemarResult:
    """Outcome of McNemar's test between models A and B on the same test set."""

    n: int  # test examples
    a_only: int  # b: A right, B wrong
    b_only: int  # c: A wrong, B right
    statistic: float  # chi-square statistic, or the smaller discordant count for the exact test
    p_value: float
    method: str  # "exact binomial" or "chi-square (continuity corrected)"

    def significant(self, alpha: float = 0.05) -> bool:
        return self.p_value < alpha

    def to_dict(self) -> dict:
        return asdict(self)


def mcnemar(pred_a, pred_b, labels) -> McNemarResult:
    """McNemar's test on two models' predictions for the same labelled test examples."""
    from scipy import stats

    pred_a, pred_b, labels = (np.asarray(x) for x in (pred_a, pred_b, labels))
    if not (len(pred_a) == len(pred_b) == len(labels)):
        raise ValueError(
            f"predictions and labels differ in length: {len(pred_a)}, {len(pred_b)}, {len(labels)}"
        )
    right_a, right_b = pred_a == labels, pred_b == labels
    b = int(np.sum(right_a & ~right_b))
    c = int(np.sum(~right_a & right_b))
    n_disc = b + c
    if n_disc == 0:
        return McNemarResult(len(labels), b, c, 0.0, 1.0, "exact binomial")
    if n_disc < EXACT_BELOW:
        p = min(1.0, 2.0 * float(stats.binom.cdf(min(b, c), n_disc, 0.5)))
        return McNemarResult(len(labels), b, c, float(min(b, c)), p, "exact binomial")
    chi2 = (abs(b - c) - 1) ** 2 / n_disc
    return McNemarResult(
        len(labels),
        b,
        c,
        float(chi2),
        float(stats.chi2.sf(chi2, df=1)),
        "chi-square (continuity corrected)",
    )
