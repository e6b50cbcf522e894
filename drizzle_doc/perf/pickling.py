"""How the model crosses between processes: its dataclasses pickled as ``cls(*fields)``.

A history and the parts of an extraction cross processes pickled (see
:mod:`drizzle_doc.perf.background`); loading through ``__init__`` is about 2x faster than
the ``__setstate__`` that frozen, slotted dataclasses get (which looks their fields up
again for every object).  None of these classes has a ``__post_init__``, so both give
equal objects.  The wrappers that fork register the modules whose objects they send,
before they fork (the child pickles, this process unpickles); nothing is registered at
import.
"""

from __future__ import annotations

import copyreg
import dataclasses
from types import ModuleType

_registered: set[str] = set()


def model(*more: ModuleType) -> None:
    """:func:`by_fields` for the model's modules (and ``more``): what the extraction's parts, a
    history and the kept results carry."""
    from drizzle_doc.model import diagnostics, schema

    by_fields(diagnostics, schema, *more)


def by_fields(*modules: ModuleType) -> None:
    """Pickle the dataclasses defined in each of ``modules`` as ``cls(*fields)`` (once per module)."""
    for module in modules:
        name = module.__name__
        if name in _registered:
            continue
        _registered.add(name)
        for cls in list(vars(module).values()):
            if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == name:
                assert not hasattr(cls, "__post_init__"), cls
                names = tuple(f.name for f in dataclasses.fields(cls) if f.init)

                def reduce(obj, cls=cls, names=names):
                    return cls, tuple([getattr(obj, n) for n in names])

                copyreg.pickle(cls, reduce)
