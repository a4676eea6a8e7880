"""Tests of analysis.corpus.odt: OpenDocument text files (LibreOffice), on a real article."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from factories import load_quietly

from analysis import schema
from analysis.corpus import CorpusError, CorpusWarning, load_corpus

SEED = "000_2cd2bd4c25204821.txt"

NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'office:version="1.3"'
)


def write_odt(path: Path, body: str, *, title: str = "") -> Path:
    """An .odt package as LibreOffice writes one: the mimetype first and stored, content.xml
    with automatic styles, meta.xml with the title."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NAMESPACES}>'
        "<office:automatic-styles>"
        '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/>'
        '<style:style style:name="P2" style:family="paragraph" '
        'style:parent-style-name="Text_20_body"/>'
        "</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {NAMESPACES}>'
        f"<office:meta><dc:title>{escape(title)}</dc:title></office:meta>"
        "</office:document-meta>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        package.writestr("meta.xml", meta, compress_type=zipfile.ZIP_DEFLATED)
    return path


@pytest.fixture
def article(project_root: Path) -> list[str]:
    """The lines of a real France urbaine article (tests/data/real/seeds)."""
    text = (project_root / "tests" / "data" / "real" / "seeds" / SEED).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _p(text: str, style: str = "P2") -> str:
    return f'<text:p text:style-name="{style}">{escape(text)}</text:p>'


def test_headings_lists_and_tables_are_read_and_asides_left_out(
    tmp_path: Path, article: list[str]
) -> None:
    heading, first, second, subtitle, third = article[:5]
    words = third.split(" ")
    body = (
        _p(heading, "P1")
        + _p(first)
        # a span, two spaces as text:s, a comment, a footnote, a tracked deletion
        + '<text:p text:style-name="P2"><text:span>'
        + escape(second[:40])
        + "</text:span>"
        + escape(second[40:])
        + "<office:annotation><dc:creator>Relecteur</dc:creator>"
        "<text:p>Vérifier la date avec le cabinet</text:p></office:annotation>"
        '<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
        "<text:note-body><text:p>Note de l’éditeur sur la commission</text:p></text:note-body>"
        "</text:note></text:p>"
        "<text:tracked-changes><text:changed-region><text:deletion>"
        "<text:p>Paragraphe retiré avant publication</text:p>"
        "</text:deletion></text:changed-region></text:tracked-changes>"
        f'<text:h text:outline-level="1">{escape(subtitle)}</text:h>'
        '<text:section text:name="Section1">'
        f'<text:p>{escape(" ".join(words[:10]))}<text:s text:c="2"/>'
        f"{escape(' '.join(words[10:]))}<text:soft-page-break/></text:p>"
        '<text:p><draw:frame draw:name="Image1"><svg:desc>Photo des élus</svg:desc>'
        "</draw:frame></text:p>"
        "</text:section>"
        '<text:h text:outline-level="2">Groupes de travail</text:h>'
        "<text:list><text:list-item><text:p>médiation sociale</text:p></text:list-item>"
        "<text:list-item><text:p>accueil des tigistes</text:p></text:list-item></text:list>"
        "<table:table><table:table-header-rows><table:table-row>"
        "<table:table-cell><text:p>Atelier</text:p></table:table-cell>"
        "<table:table-cell><text:p>Ville</text:p></table:table-cell>"
        "</table:table-row></table:table-header-rows>"
        '<table:table-row><table:table-cell table:number-columns-spanned="2">'
        "<text:p>Polices municipales</text:p></table:table-cell><table:covered-table-cell/>"
        "</table:table-row></table:table>"
    )
    write_odt(tmp_path / "2023-04-28-dijon" / "article.odt", body, title="Dijon, avril 2023")
    document = load_quietly(tmp_path).iloc[0]
    assert document[schema.TEXT].split("\n\n") == [
        f"# {heading}",
        first,
        second,
        f"## {subtitle}",
        third,  # the words either side of text:s stay apart (two spaces made one)
        "### Groupes de travail",
        "- médiation sociale",
        "- accueil des tigistes",
        "Atelier | Ville",
        "Polices municipales",
    ]
    for aside in ("Vérifier la date", "Note de l’éditeur", "Paragraphe retiré", "Photo des"):
        assert aside not in document[schema.TEXT]
    assert document[schema.TITLE] == "Dijon, avril 2023"
    assert (document[schema.CITY], document[schema.DOC_ID]) == ("Dijon", "article")


def test_the_same_article_as_text_and_as_odt_is_counted_once(
    tmp_path: Path, article: list[str], project_root: Path
) -> None:
    folder = tmp_path / "2023-04-28-dijon"
    write_odt(folder / "article.odt", "".join(_p(line) for line in article))
    (folder / "article.txt").write_text("\n\n".join(article), encoding="utf-8")
    with pytest.warns(CorpusWarning, match=r"article\.odt.*même texte que.*article\.txt"):
        documents = load_corpus(tmp_path)
    assert documents["file"].tolist() == ["2023-04-28-dijon/article.txt"]


def test_a_damaged_odt_is_named_and_left_aside(tmp_path: Path, article: list[str]) -> None:
    (tmp_path / "abime.odt").write_bytes(b"PK\x03\x04 pas un zip")
    (tmp_path / "note.md").write_text("\n\n".join(article[:3]), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        documents = load_corpus(tmp_path)
    assert documents["file"].tolist() == ["note.md"]
    assert any(
        "abime.odt : ne s’ouvre pas comme un document OpenDocument" in str(w.message)
        for w in caught
    )
    write_odt(tmp_path / "vide" / "vide.odt", "<text:p/>")
    with pytest.raises(CorpusError, match="vide.odt"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_corpus(tmp_path / "vide")
