"""The bytes of report files: written atomically, named safely, the same every run."""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis.export.errors import ExportError
from analysis.summaries import Fiche

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    Parameters
    ----------
    path
        The final file; its folder is created when missing.
    data
        The whole content.

    Returns
    -------
    Path
        ``path``. After an interruption, ``path`` holds either its old content or the new one,
        and no temporary file is left behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes owner-only files; reports are for sharing
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def slugify(text: str, *, max_length: int = 60, fallback: str = "sans-titre") -> str:
    """Return a safe file-name stem: "Polices municipales !" -> "polices-municipales"."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or fallback


def fiche_file_names(fiches: Sequence[Fiche]) -> list[str]:
    """Return "01-polices-municipales.md"... in the order of ``fiches`` (numbered from 1)."""
    width = max(2, len(str(len(fiches))))
    return [f"{i:0{width}d}-{slugify(f.label)}.md" for i, f in enumerate(fiches, start=1)]


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip (docx, xlsx) with fixed entry dates and attributes: same bytes every time."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(zip_entry(entry.filename), source.read(entry.filename))
    return target_buffer.getvalue()


def zip_entry(name: str) -> zipfile.ZipInfo:
    """A compressed zip entry with a fixed date and attributes (see :func:`normalise_zip`)."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def figure_png(figure: Figure | Axes, *, dpi: int) -> bytes:
    """Return a figure as PNG bytes, without the software stamp (same bytes every run).

    Raises
    ------
    ExportError
        When ``figure`` is neither a matplotlib Figure nor an Axes.
    """
    figure = figure.figure if isinstance(figure, Axes) else figure
    if not isinstance(figure, Figure):
        raise ExportError(
            f"Une figure à exporter est un objet {type(figure).__name__} : passez des Figure "
            "de matplotlib (ou les Axes que rendent les fonctions de tracé)."
        )
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="png",
        dpi=dpi,
        metadata={"Software": None},
        bbox_inches="tight",
        facecolor="white",
    )
    return buffer.getvalue()
