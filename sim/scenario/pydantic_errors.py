"""Pydantic validation errors turned into located problems in plain words.

Pydantic reports ``loc`` tuples with union-member tags and messages such as "Input should
be a valid number". Users need ``file:line: field: what is wrong; what is allowed``. This
module maps each error to the field's place in the merged document (see
:mod:`sim.scenario.overlay`), says what the field allows (from the models in :mod:`sim.scenario.schema`), and
folds the noise: one message per place, an unknown field that is a typo of a missing one
reported once, with a did-you-mean.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from sim.errors import Problem
from sim.scenario.overlay import Resolved
from sim.scenario.yamlsource import child, format_path

# Tags pydantic puts into ``loc`` for union members and validator wrappers; not data keys.
_MEMBER_TAGS = {"uniform", "truncnormal", "beta", "triangular", "choice", "float", "bool", "str", "tuple",
                "int", "function-after", "function-before", "function-wrap", "[key]"}
_SCALAR_TAGS = {"float", "bool", "str"}
_ANNOTATION_FIELDS = ("note", "source")
_TYPE_ERRORS = ("float_", "int_", "bool_", "string_type", "finite_number")
_TAG_WORDS = {"dist": "distribution"}
_BOUNDS = {"greater_than": ("greater than", "gt"), "greater_than_equal": ("greater than or equal to", "ge"),
           "less_than": ("less than", "lt"), "less_than_equal": ("less than or equal to", "le")}


def pydantic_problems(exc: Any, res: Resolved) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` on ``res.data`` into located problems.

    Args:
        exc: The ``ValidationError`` raised by ``ScenarioSpec.model_validate``.
        res: The merged document it was raised on (data and the origin of every value).

    Returns:
        One problem per place, in pydantic's order.

    """
    errors = _matching_branches(exc.errors(include_url=False), res.data)
    typos = _typo_pairs(errors, res.data)
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for err in errors:
        raw = tuple(err["loc"])
        loc = _data_path(raw, res.data)
        etype = err["type"]
        if etype == "missing" and loc in typos:
            continue  # reported with the unknown field that is its likely misspelling
        if etype != "missing" and loc in seen:
            continue  # one message per place: unions report each member's failure
        seen.add(loc)
        if etype in ("union_tag_invalid", "union_tag_not_found"):
            loc = (*loc, str(err["ctx"]["discriminator"]).strip("'\""))
        target = loc[:-1] if etype == "missing" else loc
        message = _message(err, raw, loc, res.data, typos)
        if etype == "duplicate_name":
            target = (*loc, err["ctx"]["index"], "name")
            message += f" (first at line {res.loc((*loc, err['ctx']['first'], 'name'))[1]})"
        file, line = res.loc(target)
        problems.append(Problem(file, line, format_path(target, res.data), message))
    return problems


def _branch(key: Any) -> str | None:
    """The kind of a union member tag in a location ('literal', 'dict', 'list'), None for a data key."""
    if isinstance(key, str) and "[" in key:
        kind = key.split("[", 1)[0]
        return {"tuple": "list", "set": "list"}.get(kind, kind)
    return None


def _fits(kind: str, value: Any) -> bool:
    """Whether a value has the shape a union member expects (a mapping for dict[...], text for literal[...])."""
    if kind == "dict":
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind == "literal":
        return not isinstance(value, dict | list)
    return True


def _matching_branches(errors: list[dict[str, Any]], data: Any) -> list[dict[str, Any]]:
    """Keep, for a value that fails a union (``a | b``), only the members of its own shape.

    ``weights: capability | equal | {actor: weight > 0}`` given ``{syria: 0}`` fails both
    members; the user needs the mapping member's complaint ("syria: should be greater than
    0"), not that a mapping is not one of the words. When no member fits, all are kept.
    """
    def split(err: dict[str, Any]) -> tuple[tuple[Any, ...], str] | None:
        loc = tuple(err["loc"])
        for i, key in enumerate(loc):
            kind = _branch(key)
            if kind is not None:
                return loc[:i], kind
        return None

    def value_at(path: tuple[Any, ...]) -> Any:
        node = data
        for key in path:
            there = (isinstance(node, dict) and key in node) or (
                isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node))
            if there:
                node = node[key]
            elif not (isinstance(key, str) and key in _MEMBER_TAGS):
                return _NOWHERE
        return node

    fitting: dict[tuple[Any, ...], bool] = {}
    for err in errors:
        where = split(err)
        if where is not None:
            node = value_at(where[0])
            fitting[where[0]] = fitting.get(where[0], False) or (node is not _NOWHERE and _fits(where[1], node))
    kept = []
    for err in errors:
        where = split(err)
        if where is not None and fitting.get(where[0]):
            node = value_at(where[0])
            if node is not _NOWHERE and not _fits(where[1], node):
                continue  # another member of this union has the value's shape: its complaint is the one
        kept.append(err)
    return kept


_NOWHERE = object()


# --- messages ---------------------------------------------------------------------------

def _message(err: dict[str, Any], raw: tuple[Any, ...], loc: tuple[Any, ...], data: Any,
             typos: dict[tuple[Any, ...], str]) -> str:
    """Say what is wrong at ``loc`` and what is allowed, in plain words."""
    etype, inp, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    got = _shown(inp)
    if etype == "missing":
        allowed = _allowed(loc, data)
        return f"required field '{loc[-1]}' is missing" + (f"; allowed: {allowed}" if allowed else "")
    if etype == "extra_forbidden":
        model = _model_at(loc, data)
        allowed = _field_names(model)
        missing = typos.get(loc)
        close = [missing] if missing else difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ";"
        return f"unknown field '{loc[-1]}'{hint} allowed: {', '.join(allowed)}"
    if etype == "union_tag_invalid":
        tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        close = difflib.get_close_matches(str(ctx.get("tag")), tags, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        what = _TAG_WORDS.get(str(loc[-1]), str(loc[-1]))
        return f"unknown {what} '{ctx.get('tag')}'; {hint}allowed: {', '.join(tags)}"
    if etype == "union_tag_not_found":
        return f"required field '{loc[-1]}' is missing; allowed: {', '.join(_tags_of(loc, data))}"
    if etype == "string_pattern_mismatch":
        return f"{inp!r} is not a valid name; allowed: lowercase letters, digits and _, starting with a letter"
    if etype == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        options = [o.strip() for o in expected.replace(" or ", ", ").split(",") if o.strip()]
        close = difflib.get_close_matches(str(inp), options, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"{inp!r} is not allowed; {hint}allowed: {', '.join(options)}"
    if etype in ("too_long", "too_short"):
        n = ctx.get("actual_length")
        items = "item" if n == 1 else "items"
        return f"has {n} {items}; allowed: {_length(ctx, str(ctx.get('field_type', '')))}"
    if etype in ("list_type", "tuple_type"):
        return f"should be a list (lines starting with '- ', or [a, b]) (got {got})"
    if etype in ("dict_type", "model_type", "model_attributes_type"):
        fields = [f for f in _field_names(_model_at((*loc, "_"), data)) if f not in _ANNOTATION_FIELDS]
        what = f" with fields {', '.join(fields)}" if fields else " (key: value lines)"
        return f"should be a mapping{what} (got {got})"
    if _SCALAR_TAGS & set(raw):
        return f"should be a single value: a number, true/false or a name (got {got})"
    if etype.startswith(_TYPE_ERRORS):
        if isinstance(inp, bool) and etype.startswith("string"):
            words = ("yes", "on", "true") if inp else ("no", "off", "false")
            return (f"should be a name, but YAML reads the words {', '.join(words[:2])} and {words[2]} as "
                    f"{str(inp).lower()}; "
                    f"put the word in quotes ('{words[0]}') or choose another")
        allowed = _allowed(loc, data) or str(err["msg"]).removeprefix("Input should be ")
        return f"should be {allowed} (got {got})"
    if etype in _BOUNDS:
        words, key = _BOUNDS[etype]
        return f"should be {words} {_num(ctx.get(key))} (got {_num(inp)})"
    msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return msg.replace("Input should be", "should be")


def _shown(value: Any) -> str:
    """Render the offending value briefly."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "an empty value"
    return repr(value)


def _num(x: Any) -> str:
    """Show a number plainly, with thousands separators when it is large."""
    if isinstance(x, int | float) and not isinstance(x, bool):
        return f"{x:,}" if isinstance(x, int) and abs(x) >= 10_000 else f"{x:g}"
    return repr(x)


def _length(ctx: dict[str, Any], kind: str) -> str:
    lo, hi = ctx.get("min_length"), ctx.get("max_length")
    if kind == "Tuple" or (lo is not None and lo == hi):
        return f"exactly {hi or lo}"
    return f"at least {lo}" if lo is not None else f"at most {hi}"


# --- what a field allows, from the models ------------------------------------------------

def _allowed(loc: tuple[Any, ...], data: Any) -> str:
    """Plain words for the values the field at ``loc`` accepts ("" if unknown)."""
    model = _model_at(loc, data)
    if model is None or not isinstance(loc[-1], str) or loc[-1] not in model.model_fields:
        return ""
    info = model.model_fields[loc[-1]]
    return _describe(info.annotation, info.metadata)


def _describe(tp: Any, metadata: list[Any]) -> str:
    """Describe an annotation (with its constraints) for an error message."""
    import annotated_types as at

    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        args = typing.get_args(tp)
        return _describe(args[0], [*metadata, *args[1:]])
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(members) == 1:
            return _describe(members[0], metadata)
        return " or ".join(_describe(m, []) for m in members)
    if origin is typing.Literal:
        return ", ".join(str(a) for a in typing.get_args(tp))
    if origin is list:
        return "a list"
    if origin is dict:
        return "a mapping"
    if tp in (int, float):
        word = "a whole number" if tp is int else "a number"
        lo = next(((">=", m.ge) for m in metadata if isinstance(m, at.Ge)), None) or \
            next(((">", m.gt) for m in metadata if isinstance(m, at.Gt)), None)
        hi = next(((("<=", m.le)) for m in metadata if isinstance(m, at.Le)), None) or \
            next(((("<", m.lt)) for m in metadata if isinstance(m, at.Lt)), None)
        return word + _range(lo, hi)
    if tp is bool:
        return "true or false"
    if tp is str:
        pattern = any(getattr(m, "pattern", None) for m in metadata)
        return "a name (lowercase letters, digits and _)" if pattern else "text"
    if isinstance(tp, type):
        return "a mapping"
    return ""


def _range(lo: tuple[str, Any] | None, hi: tuple[str, Any] | None) -> str:
    """`` from 0 to 1``, `` greater than 0, at most 1`` and the like."""
    if lo and hi and lo[0] == ">=" and hi[0] == "<=":
        return f" from {_num(lo[1])} to {_num(hi[1])}"
    parts = []
    if lo:
        parts.append(f"at least {_num(lo[1])}" if lo[0] == ">=" else f"greater than {_num(lo[1])}")
    if hi:
        parts.append(f"at most {_num(hi[1])}" if hi[0] == "<=" else f"below {_num(hi[1])}")
    return (" " + ", ".join(parts)) if parts else ""


def _field_names(model: Any) -> list[str]:
    """List a model's field names, its own first and note/source last."""
    if model is None:
        return []
    names = list(model.model_fields)
    return [n for n in names if n not in _ANNOTATION_FIELDS] + [n for n in _ANNOTATION_FIELDS if n in names]


def _tags_of(loc: tuple[Any, ...], data: Any) -> list[str]:
    """List the values of a discriminated union's tag field (e.g. the distribution names)."""
    # pydantic loads on first use, not when the scenario package is imported
    from sim.scenario.schema import ScenarioSpec

    tp: Any = ScenarioSpec
    for key in loc[:-1]:
        tp = _strip(tp)
        if isinstance(tp, type) and hasattr(tp, "model_fields"):
            fld = tp.model_fields.get(key) if isinstance(key, str) else None
            tp = fld.annotation if fld else None
        else:
            args = typing.get_args(tp)
            tp = args[-1] if args else None
    tp = _strip(tp)
    members = typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else ()
    tags = []
    for m in members:
        fld = getattr(m, "model_fields", {}).get(loc[-1])
        if fld is not None:
            tags += [str(a) for a in typing.get_args(fld.annotation)]
    return tags


def _strip(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


# --- locations -----------------------------------------------------------------------------

def _typo_pairs(errors: list[dict[str, Any]], data: Any) -> dict[tuple[Any, ...], str]:
    """Missing fields that sit beside an unknown field spelled like them.

    Returns a map both ways: the missing field's loc → the unknown key, and the unknown
    field's loc → the missing field's name, so each pair is reported once.
    """
    missing: dict[tuple[Any, ...], list[str]] = {}
    for err in errors:
        if err["type"] == "missing":
            loc = _data_path(tuple(err["loc"]), data)
            missing.setdefault(loc[:-1], []).append(str(loc[-1]))
    pairs: dict[tuple[Any, ...], str] = {}
    for err in errors:
        if err["type"] != "extra_forbidden":
            continue
        loc = _data_path(tuple(err["loc"]), data)
        close = difflib.get_close_matches(str(loc[-1]), missing.get(loc[:-1], []), n=1, cutoff=0.6)
        if close:
            pairs[(*loc[:-1], close[0])] = str(loc[-1])
            pairs[loc] = close[0]
    return pairs


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """Drop pydantic's union-member tags from a location so it matches the data."""
    out: list[Any] = []
    node = data
    for key in loc:
        if (isinstance(node, dict) and key in node) or (isinstance(node, list) and isinstance(key, int)
                                                         and 0 <= key < len(node)):
            node = node[key]
            out.append(key)
        elif isinstance(key, str) and (key in _MEMBER_TAGS or _branch(key) is not None):
            continue
        else:
            out.append(key)
            node = None
    return tuple(out)


def _model_at(loc: tuple[Any, ...], data: Any) -> Any:
    """Find the pydantic model class that owns the last key of ``loc`` (None if not a model)."""
    # pydantic loads on first use, not when the scenario package is imported
    from pydantic import BaseModel

    from sim.scenario.schema import ScenarioSpec

    tp: Any = ScenarioSpec
    node = data
    for key in loc[:-1]:
        tp = _unwrap(tp, node)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fld = tp.model_fields.get(key) if isinstance(key, str) else None
            if fld is None:
                return None
            tp = fld.annotation
        else:
            args = typing.get_args(tp)
            tp = args[-1] if args else None
        node = child(node, key)
    tp = _unwrap(tp, node)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _unwrap(tp: Any, node: Any) -> Any:
    """Strip Annotated/Optional/unions, choosing a discriminated member by ``dist``."""
    from pydantic import BaseModel

    for _ in range(6):
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
            if len(models) > 1 and isinstance(node, dict):
                for m in models:
                    lit = m.model_fields.get("dist")
                    if lit is not None and node.get("dist") in typing.get_args(lit.annotation):
                        return m
                return models[0]
            tp = models[0] if models else members[0]
            continue
        break
    return tp
