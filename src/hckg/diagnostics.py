"""Line-numbered findings about a source list, printed one per line like compiler messages.

The line format is ``FILE:LINE: [Severity] subject — message``: the ``[Severity] subject — message`` part
is the one ``hckg validate`` prints, prefixed by where the finding is. Errors make an import fail
(exit 1, nothing written); warnings and infos do not.
"""

from dataclasses import dataclass, field

SEVERITY_ORDER = {"Error": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class Diagnostic:
    severity: str          # Error, Warning or Info
    file: str
    line: int | None       # 1-based; None for findings about the file as a whole
    subject: str           # what the finding is about: a heading, "Dataset: Field", the file
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: [{self.severity}] {self.subject} — {self.message}"


@dataclass
class Diagnostics:
    """Collects the findings of one file in the order they are made; ``sorted()`` lists them by line."""

    file: str
    items: list[Diagnostic] = field(default_factory=list)

    def add(self, severity: str, line: int | None, subject: str, message: str) -> None:
        self.items.append(Diagnostic(severity, self.file, line, subject, message))

    def error(self, line: int | None, subject: str, message: str) -> None:
        self.add("Error", line, subject, message)

    def warning(self, line: int | None, subject: str, message: str) -> None:
        self.add("Warning", line, subject, message)

    def info(self, line: int | None, subject: str, message: str) -> None:
        self.add("Info", line, subject, message)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "Error" for d in self.items)

    def count(self, severity: str) -> int:
        return sum(d.severity == severity for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        """By line (file-wide findings last), keeping the order of findings on one line."""
        return sorted(self.items, key=lambda d: (d.line is None, d.line or 0))
