from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.scenario.yamlsource import format_path, read_yaml


def test_lines_and_annotations(tmp_path: Path) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("a: 1\nb:\n  c: {value: 2, note: why}\n  d: [x, y]\n", encoding="utf-8")
    doc = read_yaml(p)
    assert doc.data == {"a": 1, "b": {"c": 2, "d": ["x", "y"]}}
    assert doc.lines[("b", "c")] == 3
    assert doc.lines[("b", "d", 1)] == 4
    assert doc.annotations[("b", "c")] == {"note": "why"}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: !!python/object:os.system x\n", "tag !!python/object:os.system is not allowed"),
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("a: [1, 2\n", "YAML syntax error"),
        ("# only a comment\n", "file is empty"),
        ("a: &x [1]\nb:\n  <<: *x\n", "merge keys"),
    ],
)
def test_refused(tmp_path: Path, text: str, fragment: str) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        read_yaml(p)
    assert fragment in str(exc.value)


def test_billion_laughs_is_bounded(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    p = tmp_path / "lol.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="expands to more than"):
        read_yaml(p)


def test_non_utf8_names_line(tmp_path: Path) -> None:
    p = tmp_path / "latin1.yaml"
    p.write_bytes(b"name: x\nlabel: caf\xe9\n")
    with pytest.raises(ScenarioError) as exc:
        read_yaml(p)
    assert exc.value.problems[0].line == 2


def test_format_path_uses_names() -> None:
    data = {"actors": [{"name": "syria"}, {"name": "russia", "x": 1}]}
    assert format_path(("actors", 1, "x"), data) == "actors[russia].x"
