"""Text extraction from one uploaded PDF or Word file, run as its own short-lived process.

reachback.files.services.extract_text() runs this file by path, with the file's bytes on
standard input, and reads the text from standard output. A hostile file can then hang or
bloat only this process: the parent kills it at its timeout, and the limits set here bound its
memory and CPU time. Only the standard library, pypdf and python-docx are imported here.

Usage: python -I -B extract.py pdf|docx MAX_PAGES MAX_CHARS MEMORY_MB < file
"""
import io
import logging
import sys


def limit_resources(memory_mb: int, cpu_seconds: int = 30) -> None:
    """Cap address space, CPU time and file writes of this process (POSIX only)."""
    try:
        import resource
    except ImportError:  # not POSIX: the parent's timeout still applies
        return
    for name, value in (("RLIMIT_AS", memory_mb * 1024 * 1024), ("RLIMIT_CPU", cpu_seconds),
                        ("RLIMIT_FSIZE", 0), ("RLIMIT_CORE", 0)):
        limit = getattr(resource, name, None)
        if limit is not None:
            try:
                resource.setrlimit(limit, (value, value))
            except (ValueError, OSError):  # a lower hard limit is already in force
                pass


class _Collector:
    """Gathers text up to a number of characters, then says it is full."""

    def __init__(self, max_chars: int):
        self.parts: list[str] = []
        self.left = max_chars

    def add(self, text: str) -> bool:
        text = (text or "").replace("\x00", "")
        self.parts.append(text[: self.left])
        self.left -= min(len(text), self.left)
        return self.left > 0

    def text(self) -> str:
        return "\n".join(p for p in self.parts if p)


def pdf_text(data: bytes, max_pages: int, max_chars: int) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    out = _Collector(max_chars)
    for number, page in enumerate(reader.pages):
        if number >= max_pages or not out.add(page.extract_text() or ""):
            break
    return out.text()


def docx_text(data: bytes, max_chars: int) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    out = _Collector(max_chars)
    for paragraph in document.paragraphs:
        if not out.add(paragraph.text):
            return out.text()
    for table in document.tables:
        for row in table.rows:
            if not out.add(" | ".join(cell.text for cell in row.cells)):
                return out.text()
    return out.text()


def main(argv: list[str]) -> int:
    kind, max_pages, max_chars, memory_mb = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    if kind not in ("pdf", "docx"):
        return 2
    # The library is imported before the limits apply: only the file's handling is bounded.
    if kind == "pdf":
        import pypdf  # noqa: F401
    else:
        import docx  # noqa: F401

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    limit_resources(memory_mb)
    data = sys.stdin.buffer.read()
    if kind == "pdf":
        text = pdf_text(data, max_pages, max_chars)
    else:
        text = docx_text(data, max_chars)
    sys.stdout.buffer.write(text[:max_chars].encode("utf-8", "replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
