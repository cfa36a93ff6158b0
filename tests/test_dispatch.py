"""Exhaustive block and inline dispatch: every rule table covers the model; unknown kinds fail.

The kinds are read from the pydantic model's discriminated unions (``Block``,
``InlineNode``) -- a source independent of :mod:`exporter.dispatch` -- and
checked against a list written here by hand.
"""

from __future__ import annotations

import importlib
import typing
from typing import Literal

import pytest

from exporter import load
from exporter.api import export
from exporter.dispatch import BLOCK_KINDS, INLINE_KINDS, RuleTable, tables
from exporter.errors import RenderError
from exporter.model import Block, InlineNode, Paragraph, _Node

from .conftest import fixture_path

#: modules that build rule tables (imported so their tables exist)
TABLE_MODULES = ("exporter.resources", "exporter.writers.docx", "exporter.writers.pdf",
                 "exporter.writers.rss", "exporter.verify.expected")


def union_kinds(annotated: object) -> set[str]:
    """The ``type`` literals of the classes in a discriminated union ``Annotated[A | B, ...]``."""
    union = typing.get_args(annotated)[0]
    return {cls.model_fields["type"].default for cls in typing.get_args(union)}


MODEL_BLOCKS = union_kinds(Block)
MODEL_INLINES = union_kinds(InlineNode) | {"str"}  # plain text parts are str


def test_the_model_has_the_kinds_a_person_listed() -> None:
    assert {"paragraph", "heading", "quote", "figure", "list"} == MODEL_BLOCKS
    assert {"str", "em", "strong", "link", "break"} == MODEL_INLINES
    assert set(BLOCK_KINDS) == MODEL_BLOCKS
    assert set(INLINE_KINDS) == MODEL_INLINES


def test_every_rule_table_covers_every_kind_of_the_model() -> None:
    for module in TABLE_MODULES:
        importlib.import_module(module)
    built = {t.name: t for t in tables()}
    assert {"pictures of a block", "docx block", "pdf block texts", "rss summary",
            "verify body items"} <= set(built)
    for table in built.values():
        expected = MODEL_BLOCKS if table.kinds == BLOCK_KINDS else MODEL_INLINES
        assert set(table.kinds) == expected, table
        for kind in expected:  # a rule exists for each: looking one up does not raise
            assert callable(table.rule_for(_Probe(kind) if kind != "str" else "text"))


class _Probe:
    def __init__(self, kind: str) -> None:
        self.type = kind


def test_a_table_missing_a_kind_is_refused_when_built() -> None:
    rules = {kind: (lambda b: b) for kind in BLOCK_KINDS if kind != "figure"}
    with pytest.raises(TypeError) as info:
        RuleTable("half done", BLOCK_KINDS, rules)
    assert str(info.value) == "rule table 'half done': no rule for figure"
    with pytest.raises(TypeError) as info:
        RuleTable("extra", ("a",), {"a": print, "b": print})
    assert str(info.value) == "rule table 'extra': rules for kinds that do not exist: b"


def test_an_unknown_kind_at_call_time_is_a_render_error() -> None:
    table = RuleTable("tiny", ("paragraph",), {"paragraph": lambda block: "p"})
    assert table(Paragraph(content="x")) == "p"
    with pytest.raises(RenderError) as info:
        table.rule_for(_Probe("gallery"), "body[7]")
    assert str(info.value) == "body[7]: tiny: no rule for 'gallery'; known: paragraph"


# --- an unknown block reaching a writer fails loudly -------------------------------------


class Gallery(_Node):
    """A block kind the model does not have (a future one, or a plugin reader's)."""

    type: Literal["gallery"] = "gallery"
    content: str = "three photos"


class Marquee(_Node):
    """An inline kind the model does not have."""

    type: Literal["marquee"] = "marquee"
    content: str = "scrolling"


def _with_body(extra_block: object):
    article = load(fixture_path("tram-line"))
    return article.model_copy(update={"body": (*article.body, extra_block)})


@pytest.mark.parametrize("fmt", ["docx", "pdf", "rss", "epub", "ninjs", "html"])
def test_an_unknown_block_kind_fails_the_writer(fmt, tmp_path) -> None:
    article = _with_body(Gallery())
    index = len(article.body) - 1
    with pytest.raises(RenderError) as info:
        export(article, fmt, tmp_path)
    assert "'gallery'" in str(info.value)
    assert info.value.field == f"body[{index}]"
    assert list(tmp_path.glob(f"*.{fmt}")) == []


@pytest.mark.parametrize("fmt", ["docx", "pdf", "rss", "epub", "ninjs", "html"])
def test_an_unknown_inline_kind_fails_the_writer(fmt, tmp_path) -> None:
    article = _with_body(Paragraph.model_construct(type="paragraph",
                                                   content=("Before ", Marquee(), " after")))
    with pytest.raises(RenderError) as info:
        export(article, fmt, tmp_path)
    assert "'marquee'" in str(info.value)
    assert list(tmp_path.glob(f"*.{fmt}")) == []


@pytest.mark.parametrize(("module", "table", "name"), [
    ("exporter.writers.docx", "BLOCKS", "docx block"),
    ("exporter.writers.pdf", "BLOCK_TEXTS", "pdf block texts"),
    ("exporter.writers.rss", "SUMMARY_TEXT", "rss summary"),
    ("exporter.resources", "BLOCK_PICTURES", "pictures of a block"),
    ("exporter.verify.expected", "BODY_ITEMS", "verify body items"),
])
def test_each_writers_own_table_refuses_an_unknown_block(module, table, name) -> None:
    """The export above stops at the shared picture scan; each table refuses on its own too."""
    rules = getattr(importlib.import_module(module), table)
    with pytest.raises(RenderError) as info:
        rules.rule_for(Gallery(), "body[3]")
    assert str(info.value) == (f"body[3]: {name}: no rule for 'gallery'; "
                               "known: paragraph, heading, quote, figure, list")


def test_the_contract_check_refuses_an_unknown_block() -> None:
    from exporter.testing import contract_fields

    with pytest.raises(RenderError, match="no rule for 'gallery'"):
        contract_fields(_with_body(Gallery()))
