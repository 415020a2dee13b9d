"""nlp-bench: classic NLP and neural networks side by side on the same text data.

The Python API (``docs/python-api.md``): ``bench.run``, ``bench.run_grid``,
``bench.load_results`` and ``bench.describe_data``, imported from ``bench.api`` on first use so
``import bench`` stays light.
"""

__version__ = "0.1.0"

_API = ("run", "run_grid", "load_results", "describe_data")


def __getattr__(name: str):
    if name in _API:
        from bench import api

        return getattr(api, name)
    raise AttributeError(f"module 'bench' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])


__all__ = ["__version__", *_API]
