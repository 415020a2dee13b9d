"""Export to the ARPA back-off format (Paul & Baker 1992; as read by KenLM, SRILM, IRSTLM).

Each seen n-gram gets log10 p(w | h) and, below the top order, its log10 back-off weight. For an
interpolated model these are the interpolated probability and the interpolation weight gamma, so a
back-off reader reproduces the interpolated model exactly (``interpolated.py`` explains why).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

_LOG10 = 1.0 / math.log(10.0)
_FLOOR = -99.0  # the ARPA convention for log10(0), e.g. <s>, which is never predicted


def _log10(values: np.ndarray) -> np.ndarray:
    out = values * _LOG10
    out[~np.isfinite(out)] = _FLOOR
    return out


def write_arpa(model, path: str | Path) -> Path:
    """Write a fitted interpolated ``model`` (witten-bell, absolute, kn, mkn) to ``path``."""
    if not getattr(model, "exportable", False):
        raise ValueError(
            f"{model.name} cannot be written as an ARPA back-off model; only the "
            "interpolated methods can (witten-bell, absolute, kn, mkn)"
        )
    path = Path(path)
    words = np.array(model.vocab_.words, dtype=object)
    texts = [words]
    for table in model.tables_[1:]:
        texts.append(texts[-1][table.context] + " " + words[table.word])
    top = model.order
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("\\data\\\n")
        out.writelines(f"ngram {n}={len(t)}\n" for n, t in enumerate(texts, start=1))
        for n, text in enumerate(texts, start=1):
            out.write(f"\n\\{n}-grams:\n")
            probs = _log10(model.log_probs_[n - 1]).tolist()
            if n < top:
                backoffs = _log10(model.log_backoffs_[n - 1]).tolist()
                lines = map("{:.8g}\t{}\t{:.8g}\n".format, probs, text.tolist(), backoffs)
            else:
                lines = map("{:.8g}\t{}\n".format, probs, text.tolist())
            out.writelines(lines)
        out.write("\n\\end\\\n")
    return path
