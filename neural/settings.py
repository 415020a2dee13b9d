"""A model's settings read from its constructors' signatures, as scikit-learn's ``get_params``
reads them: adding a keyword argument to ``__init__`` is all it takes for the setting to be
reported, saved and loaded. No heavy imports, so the light model modules stay light."""

from __future__ import annotations

import inspect


def setting_names(cls: type) -> list[str]:
    """The keyword-only arguments of ``__init__`` along ``cls``'s hierarchy, each once: the class's
    own first, then those of the bases it passes ``**kwargs`` on to."""
    names: list[str] = []
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is not None:
            names += [
                p.name
                for p in inspect.signature(init).parameters.values()
                if p.kind == p.KEYWORD_ONLY and p.name not in names
            ]
    return names


class SignatureSettings:
    """Mixin: :meth:`get_params` from :func:`setting_names`; ``__init__`` stores every keyword-only
    argument under its own name (scikit-learn's convention)."""

    def get_params(self) -> dict:
        """Every keyword-only argument of ``__init__`` along the class hierarchy, as now set."""
        return {name: getattr(self, name) for name in setting_names(type(self))}
