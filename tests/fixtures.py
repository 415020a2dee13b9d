"""Tiny datasets written in each publisher's format, for offline tests of the real loaders."""

from __future__ import annotations

import io
import json
import random
import tarfile
from pathlib import Path

import numpy as np

POS_WORDS = ["great", "wonderful", "loved", "excellent", "best"]
NEG_WORDS = ["awful", "boring", "worst", "terrible", "waste"]
FILLER = ["the", "movie", "plot", "actor", "scene", "film", "story", "was", "a", "and", "it"]
KO_POS = ["최고의", "재밌다", "감동", "추천"]
KO_NEG = ["최악", "지루하다", "별로", "실망"]
KO_FILLER = ["영화", "이", "정말", "배우", "스토리", "그냥"]


def sentence(
    rng: random.Random, label: int, pos=POS_WORDS, neg=NEG_WORDS, filler=FILLER, n=12
) -> str:
    """A short document whose label is visible in a few signal words among filler."""
    words = [rng.choice(filler) for _ in range(n)] + [
        rng.choice(pos if label else neg) for _ in range(3)
    ]
    rng.shuffle(words)
    return " ".join(words)


def _add(tf: tarfile.TarFile, name: str, text: str, encoding: str = "utf-8") -> None:
    data = text.encode(encoding)
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tf.addfile(info, io.BytesIO(data))


def write_imdb(home: Path, n: int = 40, seed: int = 1) -> None:
    rng = random.Random(seed)
    path = home / "imdb" / "aclImdb_v1.tar.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tf:
        _add(tf, "aclImdb/README", "Large Movie Review Dataset v1.0")
        _add(tf, "aclImdb/imdb.vocab", "the\nmovie\n")
        for split in ("train", "test"):
            urls = {"pos": [], "neg": []}
            for i in range(n):
                label = i % 2
                folder = "pos" if label else "neg"
                text = sentence(rng, label) + " <br /><br />The End."
                _add(
                    tf,
                    f"aclImdb/{split}/{folder}/{len(urls[folder])}_{8 if label else 2}.txt",
                    text,
                )
                # reviews come in movies of 3 (train and test movies differ, as in the real set)
                movie = 1000 * (split == "test") + i // 3
                urls[folder].append(f"http://www.imdb.com/title/tt{movie:07d}/usercomments")
            for folder, lines in urls.items():
                _add(tf, f"aclImdb/{split}/urls_{folder}.txt", "\n".join(lines) + "\n")


def write_nsmc(home: Path, n_train: int = 60, n_test: int = 20, seed: int = 2) -> None:
    rng = random.Random(seed)
    (home / "nsmc").mkdir(parents=True, exist_ok=True)
    for name, n in (("ratings_train.txt", n_train), ("ratings_test.txt", n_test)):
        lines = ["id\tdocument\tlabel"]
        for i in range(n):
            label = i % 2
            doc = "" if i == 3 else sentence(rng, label, KO_POS, KO_NEG, KO_FILLER, n=5) + " ㅋㅋ!!"
            lines.append(f"{1000 + i}\t{doc}\t{label}")
        (home / "nsmc" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


R8_TOPICS = ["earn", "acq", "crude", "trade", "money-fx", "interest", "ship", "grain"]


def write_r8(home: Path, per_class: int = 6, seed: int = 3) -> None:
    rng = random.Random(seed)
    (home / "r8").mkdir(parents=True, exist_ok=True)
    for name in ("r8-train-all-terms.txt", "r8-test-all-terms.txt"):
        lines = [
            f"{t}\t{t} {t} " + " ".join(rng.choice(FILLER) for _ in range(8))
            for _ in range(per_class)
            for t in R8_TOPICS
        ]
        (home / "r8" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_sms(home: Path, n: int = 50, seed: int = 4) -> None:
    rng = random.Random(seed)
    (home / "sms_spam").mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(n):
        spam = i % 5 == 0
        text = (
            ("WINNER!! claim your FREE prize call now" if spam else "see you at lunch ok")
            + " "
            + rng.choice(FILLER)
        )
        lines.append(f"{'spam' if spam else 'ham'}\t{text}")
    (home / "sms_spam" / "SMSSpamCollection").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_newsgroups(
    home: Path, groups=("alt.atheism", "sci.space", "rec.autos"), per_group: int = 5
) -> None:
    path = home / "20newsgroups" / "20news-bydate.tar.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tf:
        for split in ("train", "test"):
            for g in groups:
                for i in range(per_group):
                    topic = g.split(".")[-1]
                    body = f"From: someone@example.com\nSubject: {g}\n\n{topic} talk caf\xe9 {i}"
                    _add(tf, f"20news-bydate-{split}/{g}/{5000 + i}", body, encoding="latin-1")


def write_clothing(home: Path, n: int = 30, seed: int = 5) -> None:
    import csv

    rng = random.Random(seed)
    path = home / "clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["", "Clothing ID", "Age", "Title", "Review Text", "Rating", "Recommended IND"])
        for i in range(n):
            label = int(i % 3 != 0)
            text = "" if i == 7 else sentence(rng, label) + ', "quoted", fits'
            w.writerow([i, 100 + i, 30, "t", text, 5 if label else 1, label])


def write_reuters46(home: Path, n: int = 50, seed: int = 6, with_index: bool = True) -> None:
    rng = np.random.RandomState(seed)
    (home / "reuters46").mkdir(parents=True, exist_ok=True)
    xs = np.empty(n, dtype=object)
    for i in range(n):
        xs[i] = [int(v) for v in rng.randint(1, 20, size=rng.randint(3, 10))]
    ys = rng.randint(0, 46, size=n)
    np.savez(home / "reuters46" / "reuters.npz", x=xs, y=ys)
    if with_index:
        words = {f"word{i}": i for i in range(1, 20)}
        (home / "reuters46" / "reuters_word_index.json").write_text(
            json.dumps(words), encoding="utf-8"
        )


WRITERS = {
    "imdb": write_imdb,
    "nsmc": write_nsmc,
    "r8": write_r8,
    "sms-spam": write_sms,
    "20newsgroups": write_newsgroups,
    "clothing-reviews": write_clothing,
    "reuters46": write_reuters46,
}


def write_all(home: Path) -> None:
    for write in WRITERS.values():
        write(home)
