"""20 Newsgroups, "bydate" split (Lang 1995; the archive scikit-learn's fetch_20newsgroups uses).

Messages are kept whole, headers included, as scikit-learn's default ``remove=()`` does.
"""

from __future__ import annotations

from bench.datahome import DataFile
from bench.datasets.archive import iter_tar_texts
from bench.datasets.base import DatasetSpec, Split
from bench.errors import DataFormatError

CLASSES = (
    "alt.atheism",
    "comp.graphics",
    "comp.os.ms-windows.misc",
    "comp.sys.ibm.pc.hardware",
    "comp.sys.mac.hardware",
    "comp.windows.x",
    "misc.forsale",
    "rec.autos",
    "rec.motorcycles",
    "rec.sport.baseball",
    "rec.sport.hockey",
    "sci.crypt",
    "sci.electronics",
    "sci.med",
    "sci.space",
    "soc.religion.christian",
    "talk.politics.guns",
    "talk.politics.mideast",
    "talk.politics.misc",
    "talk.religion.misc",
)


def read(spec: DatasetSpec) -> tuple[Split, Split]:
    (path,) = spec.paths()
    rows: dict[str, list[tuple[int, int, str]]] = {"train": [], "test": []}
    for name, text in iter_tar_texts(path, "latin-1"):
        parts = name.split("/")
        if len(parts) < 3 or parts[-3] not in ("20news-bydate-train", "20news-bydate-test"):
            continue
        split = parts[-3].rsplit("-", 1)[1]
        group, doc = parts[-2], parts[-1]
        if group not in CLASSES:
            raise DataFormatError(f"{path}: unknown newsgroup folder {group!r}")
        rows[split].append((CLASSES.index(group), int(doc) if doc.isdigit() else 0, text))
    if not rows["train"] or not rows["test"]:
        raise DataFormatError(
            f"{path} has no 20news-bydate-train/-test messages; is it the bydate archive?"
        )
    out = []
    for split in ("train", "test"):
        items = sorted(rows[split], key=lambda r: (r[0], r[1]))
        out.append(Split([t for _, _, t in items], [y for y, _, _ in items]))
    return out[0], out[1]


SPEC = DatasetSpec(
    name="20newsgroups",
    language="en",
    task="topic classification",
    classes=CLASSES,
    citation="Lang, K. (1995). NewsWeeder: Learning to Filter Netnews. ICML 1995.",
    homepage="http://qwone.com/~jason/20Newsgroups/",
    files=(
        DataFile(
            "20newsgroups/20news-bydate.tar.gz",
            "http://qwone.com/~jason/20Newsgroups/20news-bydate.tar.gz",
            sha256="93ea4137e70c6e14cf32ff2a61d5851f7b88e2e87b3bef1f96fdf5842347b652",
        ),
    ),
    reader=read,
    sizes=(11_314, 7_532),
)
