"""Build ``real-vocabulary.jsonl.xz``: real French prose from Debian's documentation packages.

Run once by hand (needs ``apt-get``, which reaches Debian's registry); the benchmark
(``benchmarks/bench_real_vocabulary.py``) reads only the file it writes, never the network.

Each package is downloaded with ``apt-get download`` (not installed), unpacked with
``dpkg-deb -x`` into a temporary folder, and the prose paragraphs of its French HTML pages are
kept (code blocks, tables of contents, licence pages and paragraphs of fewer than 8 words are
left out, and so is a paragraph with few French function words: the handbook's
translation leaves some in English). Consecutive paragraphs of a
page are grouped into documents of about ``DOCUMENT_WORDS`` words, as contributions to a
consultation are, and a paragraph seen before (same text) is dropped.

Usage::

    python benchmarks/data/build_real_vocabulary.py
"""

from __future__ import annotations

import html
import json
import lzma
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "real-vocabulary.jsonl.xz"
DOCUMENT_WORDS = 180
MIN_PARAGRAPH_WORDS = 8
MIN_FRENCH_RATIO = 0.12

# package, pages (glob inside the unpacked package), paragraph pattern
SOURCES = (
    (
        "debian-handbook",
        "usr/share/doc/debian-handbook/html/fr-FR/*.html",
        r'<div class="para">(.*?)</div>',
    ),
    ("debian-reference-fr", "usr/share/doc/debian-reference-fr/docs/*.html", r"<p>(.*?)</p>"),
    ("gimp-help-fr", "usr/share/gimp/2.0/help/fr/*.html", r"<p[^>]*>(.*?)</p>"),
    ("developers-reference-fr", "usr/share/developers-reference/fr/*.html", r"<p[^>]*>(.*?)</p>"),
    ("maint-guide-fr", "usr/share/doc/maint-guide-fr/html/*.html", r"<p[^>]*>(.*?)</p>"),
    (
        "libreoffice-help-fr",
        "usr/share/libreoffice/help/fr/text/**/*.html",
        r"<p[^>]*>(.*?)</p>",
    ),
    (
        "debian-edu-doc-fr",
        "usr/share/doc/debian-edu-doc-fr/debian-edu-bookworm-manual.html",
        r"<p[^>]*>(.*?)</p>",
    ),
)
SKIPPED_PAGES = re.compile(r"gfdl|gpl|index|bibliography|legal|copyright", re.IGNORECASE)
FRENCH = frozenset(
    "le la les de des du un une et est en que qui pour dans sur par pas au aux avec ce cette "
    "ces il elle vous nous on se sont ou plus peut son sa ses leur".split()
)


def paragraphs(page: str, pattern: str) -> list[str]:
    """The prose paragraphs of one HTML page, as plain text on one line."""
    page = re.sub(r"<pre.*?</pre>|<table.*?</table>", " ", page, flags=re.S)
    found = []
    for raw in re.findall(pattern, page, flags=re.S):
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())
        text = re.sub(r" ([,.;:)])", r"\1", text).replace("( ", "(")
        if len(text.split()) >= MIN_PARAGRAPH_WORDS:
            found.append(text)
    return found


def is_french(text: str) -> bool:
    """True when French function words make at least MIN_FRENCH_RATIO of the words (the
    handbook's translation leaves a few paragraphs in English)."""
    words = re.findall(r"\w+", text.lower())
    return bool(words) and sum(w in FRENCH for w in words) / len(words) >= MIN_FRENCH_RATIO


def documents(source: str, page_name: str, texts: list[str]) -> list[dict[str, str]]:
    """Group a page's paragraphs into documents of about DOCUMENT_WORDS words."""
    grouped, current, size = [], [], 0
    for text in texts:
        current.append(text)
        size += len(text.split())
        if size >= DOCUMENT_WORDS:
            grouped.append(current)
            current, size = [], 0
    if current:
        grouped.append(current)
    return [{"source": source, "page": page_name, "text": "\n\n".join(group)} for group in grouped]


def main() -> int:
    seen: set[str] = set()
    rows: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory() as work:
        for package, pages, pattern in SOURCES:
            subprocess.run(["apt-get", "download", package], cwd=work, check=True)
            deb = next(Path(work).glob(f"{package}_*.deb"))
            subprocess.run(["dpkg-deb", "-x", str(deb), "root"], cwd=work, check=True)
            for page in sorted((Path(work) / "root").glob(pages)):
                if SKIPPED_PAGES.search(page.name):
                    continue
                texts = paragraphs(page.read_text(errors="replace"), pattern)
                texts = [t for t in texts if is_french(t) and not (t in seen or seen.add(t))]
                if texts:
                    rows += documents(package, page.name, texts)
    with lzma.open(OUTPUT, "wt", encoding="utf-8", preset=9) as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    words = sum(len(r["text"].split()) for r in rows)
    print(f"{len(rows):,} documents, {words:,} words -> {OUTPUT.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
