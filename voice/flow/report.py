"""Read a callflow's YAML with line numbers, and collect every problem found in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from voice.errors import CallflowInvalid

KeyPath = tuple[str | int, ...]


def key_text(path: KeyPath) -> str:
    """Return a key path as operators write it: intents.order_status.examples[2]."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


@dataclass
class Report:
    """Every problem in one file: errors stop it loading, warnings do not."""

    file: str
    lines: dict[KeyPath, int] = field(default_factory=dict)
    errors: list[CallflowInvalid] = field(default_factory=list)
    warnings: list[CallflowInvalid] = field(default_factory=list)

    def error(self, path: KeyPath, problem: str, fix: str = "") -> None:
        """Record a problem that stops the callflow loading."""
        self.errors.append(self._problem(path, problem, fix))

    def warn(self, path: KeyPath, problem: str, fix: str = "") -> None:
        """Record a problem worth fixing that does not stop the callflow loading."""
        self.warnings.append(self._problem(path, problem, fix))

    def _problem(self, path: KeyPath, problem: str, fix: str) -> CallflowInvalid:
        line = self.line(path)
        where = f" (line {line})" if line else ""
        found = CallflowInvalid(self.file, key_text(path), problem + where, fix)
        found.line = line or 0
        return found

    def sort(self) -> None:
        """Order errors and warnings as they appear in the file."""
        self.errors.sort(key=lambda e: getattr(e, "line", 0))
        self.warnings.sort(key=lambda e: getattr(e, "line", 0))

    def line(self, path: KeyPath) -> int | None:
        """Return the line of the nearest key on `path` that has one."""
        for n in range(len(path), 0, -1):
            if path[:n] in self.lines:
                return self.lines[path[:n]]
        return None


def read_yaml(path: Path, report: Report) -> object:
    """Parse a YAML file, noting each key's line and duplicate keys; None after an error."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report.error((), f"cannot read the file: {exc}", "check the path and save it as UTF-8")
        return None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        report.error((), f"YAML syntax error{where}: {what}", _yaml_fix(what))
        return None
    finally:
        loader.dispose()
    if node is not None:
        _walk(node, (), report)
    return data


def _yaml_fix(problem: str) -> str:
    if "tab" in problem or "\\t" in problem or "\t" in problem:
        return "indent with spaces, not tabs"
    if "mapping values" in problem:
        return "quote text that contains ': ' (a colon and a space)"
    return "fix the indentation or quoting near that line (text with : { } [ ] # needs quotes)"


def _walk(node: yaml.Node, path: KeyPath, report: Report) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                report.error(
                    child, "is given twice", "keep one; the second silently replaces the first"
                )
            seen.add(key)
            report.lines.setdefault(child, key_node.start_mark.line + 1)
            _walk(value_node, child, report)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            report.lines.setdefault((*path, i), item.start_mark.line + 1)
            _walk(item, (*path, i), report)
