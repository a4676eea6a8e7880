"""HTML in table fields turned into plain text: platform exports often store their texts as
HTML (``<p>``, ``<br>``, ``&nbsp;``)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_HTML_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#\d+|#x[0-9a-fA-F]+);")
_BLOCK_TAGS = frozenset(
    "p div li ul ol blockquote tr table section article header footer pre h1 h2 h3 h4 h5 h6".split()
)


class _HtmlToText(HTMLParser):
    """Plain text from HTML: blocks become paragraphs, <br> a line break, <li> a "- " item."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
            if tag == "li":
                self.parts.append("- ")
            elif tag[0] == "h" and tag[1:].isdigit():
                self.parts.append("## ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            # in HTML, runs of white space (line breaks included) show as one space
            self.parts.append(re.sub(r"[ \t\n\r\f]+", " ", data))


def html_to_text(value: str) -> str:
    """Return ``value`` with HTML tags and entities turned into plain text.

    Block tags (``<p>``, ``<div>``, ``<li>``...) become paragraphs separated by a blank line,
    ``<br>`` a line break, ``<li>`` a ``- `` item, ``<h1>``-``<h6>`` a ``## `` heading. Text
    with entities but no tags is only unescaped. Text with neither is returned unchanged.

    Parameters
    ----------
    value
        One field of a table (a platform export often stores HTML).

    Returns
    -------
    str
        Plain text; stripped of surrounding white space when it held tags.

    Examples
    --------
    >>> html_to_text("<p>Un.</p><p>Deux&nbsp;!</p>")
    'Un.\\n\\nDeux\\xa0!'
    """
    if not _HTML_TAG.search(value):
        return html.unescape(value) if _HTML_ENTITY.search(value) else value
    parser = _HtmlToText()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
