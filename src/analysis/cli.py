"""The ``analysis`` command: secretaries, scripts and CI run the pipeline from here.

The command holds no analysis logic: it parses arguments into an :class:`AnalysisConfig`,
calls :mod:`analysis.pipeline`, and turns user errors into one readable line on stderr with a
non-zero exit code (no traceback unless ``--debug``).

Example
-------
``analysis report corpus --out reports --themes auto``
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from analysis import __version__
from analysis.config import DEFAULT_CONFIG_FILE, AnalysisConfig, load_config

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130


def _themes_value(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is neither a number nor 'auto'") from None
    if number < 2:
        raise argparse.ArgumentTypeError("the number of themes must be 2 or more")
    return number


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, help="folder that receives the reports")
    parser.add_argument("--themes", type=_themes_value, help="number of themes, or 'auto'")
    parser.add_argument(
        "--keep-names",
        action="store_true",
        help="do not replace people's names in the exports (they are replaced by default)",
    )
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="hide the progress bars (shown only when stderr is a terminal)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``analysis`` command."""
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="Themes, obstacles (freins) and proposals across French concertations.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    report = commands.add_parser(
        "report",
        help="run the whole analysis on a corpus and write every report",
        description="Load CORPUS, find its themes, trace obstacles and proposals, and write "
        "segments.csv, themes.csv, the fiches (Markdown, Word, Excel), report.html and figures "
        "into --out.",
    )
    report.add_argument(
        "corpus",
        type=Path,
        help="a folder of documents (.md, .txt, .docx, .pdf), a table (.csv, .tsv, .xlsx, "
        ".json, .jsonl) or an IRaMuTeQ corpus file",
    )
    _add_common(report)
    report.add_argument(
        "--config",
        type=Path,
        default=None,
        help=f"settings file (default: ./{DEFAULT_CONFIG_FILE} when it exists, else built-in)",
    )
    report.add_argument(
        "--unit", choices=["segment", "paragraph", "document"], help="analysis unit"
    )
    report.add_argument("--text-column", help="tables: the column holding the text")
    report.add_argument("--id-column", help="tables: the column holding a unique id")
    report.add_argument(
        "--meta-columns", help="tables: comma-separated columns kept as metadata (a,b,c)"
    )

    fiches = commands.add_parser(
        "fiches",
        help="rebuild the fiches and reports of --out after editing the curation file",
        description="Re-apply the curation file to the themes of a previous 'analysis report' "
        "run in --out and rewrite the fiches and reports, without parsing the corpus again.",
    )
    _add_common(fiches)
    return parser


def config_from_args(args: argparse.Namespace) -> AnalysisConfig:
    """Return the settings file's configuration with the command-line options applied."""
    config_path = args.config
    if config_path is None and Path(DEFAULT_CONFIG_FILE).is_file():
        config_path = Path(DEFAULT_CONFIG_FILE)
    config = load_config(config_path)
    if getattr(args, "corpus", None) is not None:
        corpus_changes: dict[str, object] = {"path": str(args.corpus.resolve())}
        if args.text_column:
            corpus_changes["text_column"] = args.text_column
        if args.id_column:
            corpus_changes["id_column"] = args.id_column
        if args.meta_columns:
            columns = [c.strip() for c in args.meta_columns.split(",") if c.strip()]
            corpus_changes["meta_columns"] = columns
        config = config.replace("corpus", **corpus_changes)
    if getattr(args, "unit", None):
        config = config.replace("segmentation", unit=args.unit)
    if args.themes is not None:
        config = config.replace("themes", n_themes=args.themes)
    if getattr(args, "keep_names", False):
        config = config.replace("export", protect_names=False)
    return config


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    # through tqdm: a warning printed while a progress bar runs does not break the bar's line
    tqdm.write(f"attention : {message}", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    from analysis import pipeline  # imported late: --help stays fast

    # bars only for a person watching a terminal: logs and pipes get plain lines
    progress = not args.no_progress and sys.stderr.isatty()
    if args.command == "report":
        results = pipeline.run(
            config_from_args(args), progress=progress, previous=args.out, prefetch_entities="auto"
        )
    else:
        results = pipeline.rerun_from_output(
            args.out,
            n_themes=args.themes,
            protect_names=False if args.keep_names else None,
            progress=progress,
            prefetch_entities="auto",
        )
    written = pipeline.write(results, args.out)
    print(f"{len(written)} fichiers écrits dans {args.out}", file=sys.stdout)
    for label, path in sorted(written.items()):
        print(f"  {label}: {path}", file=sys.stdout)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit code (0 success, 2 user error, 130 interrupted)."""
    args = build_parser().parse_args(argv)
    warnings.showwarning = _show_warning
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("interrompu : aucun fichier à moitié écrit n'a été laissé.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ValueError, OSError) as error:
        if args.debug:
            raise
        print(f"erreur : {error}", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
