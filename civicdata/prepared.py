"""Reads that public pages make on every request, compiled to SQL by Django's ORM once and then
run with each request's values.

Django builds and compiles a queryset anew every time it runs. For the reads of an essay page
(the visibility rule, a subquery or two) that is 1–2 ms of Python each, while the database
answers in about 0.2 ms: most of what a reader's first request costs. A `PreparedQuery` keeps
the ORM as the only author of the SQL (the visibility rule stays in `civicdata.publishing`)
and compiles each query once per process and database:

- `build(*shape, **values)` returns a `values_list()` queryset of `model`, run on the database
  the router picks for `model` (a read replica, if there are any).
- `shape` is what changes the SQL itself (which visibility rule, a page's LIMIT/OFFSET); each
  shape is compiled once.
- `values` are the query's parameters (a slug, an id, the time now), declared with their
  types. The queryset is compiled twice with two sets of unlikely stand-in values; the
  parameters that differ are where each request's values go. A query whose SQL changes with
  its values (a list for `__in`, a None that becomes IS NULL) is refused: such a value is
  part of its shape.

`build` must not read the database, nor derive anything from its values (`slug[:1]`, `pk + 1`):
what it reads stays in the SQL for the life of the process (a content type's id, say), and a
value it changes is refused or, if it comes out the same for both stand-ins, kept as a
constant. Values are never None (None is not a moment: `at=None` meaning "now" is the
caller's to decide) and datetimes are aware. Rows come back as tuples, converted the way Django
converts them (dates, booleans).
django-prepared-queries did this once but supports neither Django 5 nor psycopg 3.
"""

import datetime

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections, router


def _stand_in(kind, which, index):
    """Stand-in `which` (0 or 1) for the query's `index`-th value: unlike any constant a query
    holds, and unlike every other value's stand-ins."""
    if kind is datetime.datetime:
        first = datetime.datetime(1971, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)
        return first + datetime.timedelta(days=400 * which + index, microseconds=which)
    if kind is int:
        return 918_273_645 + 1_000 * which + index
    return f"\x1fprepared-query-{which}-{index}"


_KINDS = (datetime.datetime, int, str)


_MATCHES_NOTHING = object()

# Compiled shapes kept per query: a bound on memory, whatever shapes requests ask for.
MAX_SHAPES = 256


def _adapter(kind, connection):
    """How the ORM hands a value of `kind` to the database driver."""
    if kind is datetime.datetime:
        return connection.ops.adapt_datetimefield_value
    return kind


class _Compiled:
    def __init__(self, compiler, sql, params, slots):
        self.sql = sql
        self.params = params
        self.slots = slots  # (position in params, name of the value)
        self.compiler = compiler
        self.converters = compiler.get_converters(
            [column[0] for column in compiler.select[: compiler.col_count]]
        )


class Rows(list):
    """A prepared query's rows, and the database they came from (for `Model.from_db`)."""

    def __init__(self, rows, db):
        super().__init__(rows)
        self.db = db


class PreparedQuery:
    def __init__(self, model, build, **value_types):
        unknown = {kind for kind in value_types.values() if kind not in _KINDS}
        if unknown:
            raise ImproperlyConfigured(f"A prepared query cannot take values of type {unknown}.")
        self.model = model  # whose reads the database router places, as the ORM would
        self.build = build
        self.value_types = value_types
        self._compiled = {}  # (database alias, shape) -> _Compiled

    def rows(self, *shape, **values) -> Rows:
        if values.keys() != self.value_types.keys():
            raise TypeError(f"A prepared query takes exactly {sorted(self.value_types)}.")
        for name, value in values.items():
            if not isinstance(value, self.value_types[name]):
                raise TypeError(f"{name} must be {self.value_types[name].__name__}: {value!r}")
            if isinstance(value, datetime.datetime) and value.tzinfo is None:
                raise ValueError(f"{name} must be an aware datetime: {value!r}")
        using = router.db_for_read(self.model)
        connection = connections[using]
        compiled = self._compiled.get((using, shape))
        if compiled is None:
            compiled = self._compile(connection, using, shape)
        if compiled is _MATCHES_NOTHING:
            return Rows([], using)
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = _adapter(self.value_types[name], connection)(values[name])
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        return Rows(map(tuple, rows), using)

    def _compile(self, connection, using, shape) -> _Compiled:
        def compile_with(stand_in):
            values = {
                name: _stand_in(kind, stand_in, index)
                for index, (name, kind) in enumerate(self.value_types.items())
            }
            compiler = self.build(*shape, **values).query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            return compiler, sql, list(params), values

        compiled = []
        for stand_in in (0, 1):
            try:
                compiled.append(compile_with(stand_in))
            except EmptyResultSet:
                # The ORM knows without asking the database (an empty slice, `pk__in=[]`).
                compiled.append(None)
        if compiled == [None, None]:
            self._compiled[using, shape] = _MATCHES_NOTHING
            return _MATCHES_NOTHING
        if None in compiled:
            raise ImproperlyConfigured(
                f"{self.build.__qualname__}: whether it matches anything depends on its values; "
                "make what decides it part of the shape."
            )
        (compiler, sql, params, values), (_, other_sql, other_params, _) = compiled
        if sql != other_sql or len(params) != len(other_params):
            raise ImproperlyConfigured(
                f"{self.build.__qualname__}: its SQL changes with its values; make what changes "
                "it part of the shape."
            )
        adapted = {
            name: _adapter(kind, connection)(values[name])
            for name, kind in self.value_types.items()
        }
        slots = []
        for position, (param, other) in enumerate(zip(params, other_params, strict=True)):
            if param == other:
                continue
            names = [name for name, value in adapted.items() if value == param]
            if len(names) != 1:
                raise ImproperlyConfigured(
                    f"{self.build.__qualname__}: parameter {position} is not one of its values."
                )
            slots.append((position, names[0]))
        if len(self._compiled) >= MAX_SHAPES:  # forget the oldest
            del self._compiled[next(iter(self._compiled))]
        compiled = self._compiled[using, shape] = _Compiled(compiler, sql, params, slots)
        return compiled
