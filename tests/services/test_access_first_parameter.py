"""services/access.py finds the Session (or Database, ListQuery) of a checked function by
the name of its first parameter, read from the code object instead of through
``inspect.signature`` (inspect is not imported on the way of ``finsam lots summary``).
For every function of every service module that is checked that way, the name must be
the one ``inspect.signature`` gives."""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil

import finsam_desktop.services as services_package
from finsam_desktop.services.access import (
    Kind,
    Permission,
    _first_parameter,
    access_rule,
    requires,
)


def checked_functions():
    """(qualified name, the undecorated function) of every function that ``requires``
    or ``before_login`` wrapped."""
    prefix = f"{services_package.__name__}."
    for info in pkgutil.walk_packages(services_package.__path__, prefix):
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            rule = access_rule(fn)
            wrapped = getattr(fn, "__wrapped__", None)
            if rule is not None and rule.kind in (Kind.PERMISSION, Kind.BEFORE_LOGIN) and wrapped:
                yield f"{info.name}.{name}", wrapped


def test_the_first_parameter_is_the_one_inspect_names():
    found = dict(checked_functions())
    assert len(found) > 100  # every service module's checked functions, not a few
    wrong = {
        name: (_first_parameter(fn), next(iter(inspect.signature(fn).parameters)))
        for name, fn in found.items()
        if _first_parameter(fn) != next(iter(inspect.signature(fn).parameters))
    }
    assert wrong == {}


def test_through_other_decorators_and_keyword_only_parameters():
    def decorated(f):
        @functools.wraps(f)
        def inner(*args, **kwargs):
            return f(*args, **kwargs)

        return inner

    @decorated
    def positional(session, value=1):
        local = value
        return local

    def keyword_only(*, db, value=1):
        return value

    for fn in (positional, keyword_only):
        assert _first_parameter(fn) == next(iter(inspect.signature(fn).parameters))
    checked = requires(Permission.STATISTICS)(keyword_only)
    assert _first_parameter(checked) == "db"
