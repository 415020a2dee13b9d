"""The registered datasets: one line per dataset, each a small module with a ``SPEC``."""

from __future__ import annotations

from bench.datasets.base import DatasetSpec
from core.registry import Registry

DATASETS: Registry[DatasetSpec] = Registry("dataset")
DATASETS.register("imdb", "bench.datasets.imdb:SPEC")
DATASETS.register("nsmc", "bench.datasets.nsmc:SPEC")
DATASETS.register("r8", "bench.datasets.r8:SPEC")
DATASETS.register("sms-spam", "bench.datasets.sms_spam:SPEC")
DATASETS.register("20newsgroups", "bench.datasets.newsgroups:SPEC")
DATASETS.register("clothing-reviews", "bench.datasets.clothing_reviews:SPEC")
DATASETS.register("reuters46", "bench.datasets.reuters46:SPEC")
DATASETS.register("nsmc-raw", "bench.datasets.nsmc_raw:SPEC")  # the raw crawl, for scaling runs

#: The datasets whose files can be had offline; ``bench all`` runs these by default.
BENCHMARK_DATASETS = ("imdb", "nsmc", "r8", "sms-spam", "20newsgroups")
