"""The ``analysis`` command: secretaries, scripts and CI run the pipeline from here.

The command holds no analysis logic: it parses arguments into an :class:`AnalysisConfig`,
calls :mod:`analysis.pipeline`, and speaks French through :mod:`analysis.messages`: a user
error is one line on stderr (exit 2), an unexpected error one line saying what failed and what
to send (exit 3), each warning of the workbook is said once, the libraries' warnings are kept
out; ``--debug`` shows tracebacks and the libraries' warnings.

Example
-------
``analysis report corpus --out reports --themes auto --title "Questions écrites"``
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from analysis import __version__, messages
from analysis.config import DEFAULT_CONFIG_FILE, AnalysisConfig, encoding_problem, load_config
from analysis.messages import EXIT_BUG, EXIT_USER_ERROR, CommandError

__all__ = [
    "EXIT_BUG",
    "EXIT_INTERRUPTED",
    "EXIT_USER_ERROR",
    "CommandError",
    "build_parser",
    "config_from_args",
    "main",
]

EXIT_INTERRUPTED = 130
THEME_METHODS = ("spectral", "nmf", "reinert", "kmeans")


# --- argparse in French -----------------------------------------------------------------------

_HEADINGS = {"positional arguments": "arguments", "options": "options"}
# argparse's own messages (Python 3.11 to 3.13 wordings), said in French
_ARGPARSE_FRENCH = (
    (r"the following arguments are required: (.*)", r"il manque : \1"),
    (r"unrecognized arguments: (.*)", r"options inconnues : \1"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"choix invalide : \1 (au choix : \2)"),
    (r"expected one argument", "une valeur est attendue"),
    (r"ambiguous option: (.*) could match (.*)", r"option ambiguë : \1 peut désigner \2"),
    (r"invalid \S+ value: (.*)", r"valeur invalide : \1"),
)


def _argparse_in_french(message: str) -> str:
    prefix = ""
    if named := re.fullmatch(r"argument (\S+): (.*)", message, flags=re.DOTALL):
        prefix, message = f"argument {named[1]} : ", named[2]
    for pattern, french in _ARGPARSE_FRENCH:
        if re.fullmatch(pattern, message, flags=re.DOTALL):
            message = re.sub(pattern, french, message, flags=re.DOTALL)
            break
    return prefix + message


class _FrenchHelp(argparse.HelpFormatter):
    """argparse's headings in French (the help texts are written in French)."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "usage : " if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        super().start_section(_HEADINGS.get(heading or "", heading))


class _Parser(argparse.ArgumentParser):
    """An argument parser that answers in French, errors with exit code 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _FrenchHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et s'arrête")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER_ERROR, f"erreur : {_argparse_in_french(message)}\n")


# --- option values ----------------------------------------------------------------------------


def _themes_value(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est ni un nombre ni « auto »") from None
    if number < 2:
        raise argparse.ArgumentTypeError("il faut au moins 2 thèmes")
    return number


def _encoding_value(value: str) -> str:
    problem = encoding_problem(value)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"« {value} » : {problem}")
    return value


def _title_value(value: str) -> str:
    title = " ".join(value.split())
    if not title:
        raise argparse.ArgumentTypeError("le titre du rapport ne peut pas être vide")
    return title


# --- the parser -------------------------------------------------------------------------------


def _add_corpus_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FICHIER",
        help=f"fichier de réglages (par défaut : ./{DEFAULT_CONFIG_FILE} s'il existe, sinon les "
        "réglages intégrés)",
    )
    parser.add_argument(
        "--text-column", metavar="COLONNE", help="tableaux : la colonne qui contient le texte"
    )
    parser.add_argument(
        "--id-column", metavar="COLONNE", help="tableaux : la colonne qui contient un identifiant"
    )
    parser.add_argument(
        "--meta-columns",
        metavar="COLONNES",
        help="tableaux : colonnes gardées comme métadonnées, séparées par des virgules "
        "(a,b,c ; city=Commune garde la colonne Commune sous le nom city)",
    )
    parser.add_argument(
        "--encoding",
        type=_encoding_value,
        metavar="ENCODAGE",
        help="encodage des fichiers : « auto » (UTF-8, sinon cp1252 avec un avertissement, par "
        "défaut) ou un nom de codec comme utf-8, cp1252, latin-1",
    )


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", required=True, type=Path, metavar="DOSSIER", help="dossier qui reçoit les rapports"
    )
    parser.add_argument(
        "--themes", type=_themes_value, metavar="N", help="nombre de thèmes, ou « auto »"
    )
    parser.add_argument(
        "--title",
        type=_title_value,
        metavar="TITRE",
        help="titre du rapport (report.html, fiches.docx, fiches.xlsx ; par défaut : "
        "[export] title des réglages)",
    )
    parser.add_argument(
        "--keep-names",
        action="store_true",
        help="garder les noms de personnes dans les rapports (ils sont remplacés par défaut)",
    )
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="cacher les barres de progression (montrées seulement dans un terminal)",
    )


def _add_debug(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--debug",
        action="store_true",
        help="montrer le détail des erreurs (traceback) et les avertissements des bibliothèques",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``analysis`` command."""
    parser = _Parser(
        prog="analysis",
        description="Thèmes, freins et propositions de concertations en français.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help="affiche la version et s'arrête",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMANDE", title="commandes"
    )
    corpus_help = (
        "un dossier de documents (.md, .txt, .docx, .odt, .pdf), un tableau (.csv, .tsv, .xlsx, "
        ".xls, .ods, .json, .jsonl) ou un corpus IRaMuTeQ"
    )

    report = commands.add_parser(
        "report",
        help="faire toute l'analyse d'un corpus et écrire tous les rapports",
        description="Lit CORPUS, trouve ses thèmes, repère les freins et les propositions, et "
        "écrit dans --out segments.csv, themes.csv, les fiches (Markdown, Word, Excel), "
        "report.html et les figures.",
    )
    report.add_argument("corpus", type=Path, metavar="CORPUS", help=corpus_help)
    _add_output_options(report)
    _add_corpus_options(report)
    report.add_argument(
        "--unit", choices=["segment", "paragraph", "document"], help="unité d'analyse"
    )
    report.add_argument(
        "--method",
        choices=THEME_METHODS,
        help="méthode des thèmes : spectral (par défaut ; graphes de voisins, avec les vecteurs "
        "de mots), nmf, reinert (classification descendante hiérarchique, comme IRaMuTeQ) "
        "ou kmeans",
    )
    _add_debug(report)

    fiches = commands.add_parser(
        "fiches",
        help="refaire les fiches et rapports de --out après avoir modifié le fichier de curation",
        description="Applique de nouveau le fichier de curation aux thèmes d'une analyse déjà "
        "faite dans --out (par 'analysis report') et réécrit les fiches et les rapports, sans "
        "relire le corpus.",
    )
    _add_output_options(fiches)
    _add_debug(fiches)

    iramuteq = commands.add_parser(
        "iramuteq",
        help="écrire un corpus, quel que soit son format, comme un corpus IRaMuTeQ",
        description="Lit CORPUS comme 'analysis report' le lit et l'écrit dans SORTIE au "
        "format IRaMuTeQ (UTF-8) : une ligne **** *id_… *ville_… *date_… par texte, ses "
        "métadonnées comme variables étoilées.",
    )
    iramuteq.add_argument("corpus", type=Path, metavar="CORPUS", help=corpus_help)
    iramuteq.add_argument("output", type=Path, metavar="SORTIE", help="le fichier .txt à écrire")
    _add_corpus_options(iramuteq)
    iramuteq.add_argument(
        "--keep-names",
        action="store_true",
        help="garder les personnes des colonnes de métadonnées (auteur, contributeur...), "
        "remplacées par défaut par « contributeur 1 », « contributeur 2 »...",
    )
    _add_debug(iramuteq)
    return parser


# --- the commands -----------------------------------------------------------------------------

# command-line option -> (section, key) of the settings it replaces
_OPTION_SETTINGS = {
    "unit": ("segmentation", "unit"),
    "themes": ("themes", "n_themes"),
    "method": ("themes", "method"),
    "title": ("export", "title"),
}


def config_from_args(args: argparse.Namespace) -> AnalysisConfig:
    """Return the settings file's configuration with the command-line options applied."""
    config_path = getattr(args, "config", None)
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
        if args.encoding:
            corpus_changes["encoding"] = args.encoding
        config = config.replace("corpus", **corpus_changes)
    for option, (section, key) in _OPTION_SETTINGS.items():
        value = getattr(args, option, None)
        if value is not None:
            config = config.replace(section, **{key: value})
    if getattr(args, "keep_names", False):
        config = config.replace("export", protect_names=False)
    return config


def _report(args: argparse.Namespace) -> int:
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
        if args.title is not None:  # kept in run.json for the next 'analysis fiches'
            config = results.config.replace("export", title=args.title)
            results = dataclasses.replace(results, config=config)
    written = pipeline.write(results, args.out)
    print(f"{len(written)} fichiers écrits dans {args.out}", file=sys.stdout)
    for label, path in sorted(written.items()):
        print(f"  {label}: {path}", file=sys.stdout)
    return 0


def iramuteq_variables(documents: Any) -> dict[str, str]:
    """The starred variables of :func:`analysis.corpus.to_iramuteq` for a documents table:
    id, concertation, ville, date, type, then every extra metadata column (its name with
    ``-`` for the ``_``, spaces, ``*`` and other signs IRaMuTeQ does not take)."""
    from analysis import schema
    from analysis.corpus import IRAMUTEQ_VARIABLES

    variables = {c: name for c, name in IRAMUTEQ_VARIABLES.items() if c in documents.columns}
    standard = {*schema.DOCUMENT_COLUMNS, schema.FILE}
    for column in documents.columns:
        name = re.sub(r"(?:[^\w-]|_)+", "-", str(column)).strip("-")  # "category/name/fr"
        if column not in standard and name and name not in variables.values():
            variables[column] = name
    return variables


def _iramuteq(args: argparse.Namespace) -> int:
    from analysis.corpus import load_corpus_from_config, to_iramuteq
    from analysis.export import atomic_write

    output: Path = args.output
    if output.resolve() == args.corpus.resolve():
        raise CommandError(f"{output} est le corpus lui-même : donnez un autre fichier de sortie.")
    if output.is_dir():
        raise CommandError(f"{output} est un dossier : donnez un fichier .txt à écrire.")
    config = config_from_args(args)
    documents = load_corpus_from_config(config)
    if config.export.protect_names:
        documents = _pseudonymised(documents, config.export)
    text = to_iramuteq(documents, variables=iramuteq_variables(documents))
    atomic_write(output, text.encode("utf-8"))
    print(f"{len(documents)} textes écrits dans {output} (corpus IRaMuTeQ, UTF-8)")
    return 0


def _pseudonymised(documents: Any, config: Any) -> Any:
    """The documents with their columns of people pseudonymised, said in the run's log."""
    from analysis.privacy.errors import PeopleNotice
    from analysis.privacy.people import pseudonymise_people

    people = pseudonymise_people(documents, add=config.people_columns, public=config.public_columns)
    notice = people.notice()
    if notice is not None:
        warnings.warn(notice.replace(" ; voir protection-noms.csv", ""), PeopleNotice, stacklevel=2)
    return people.documents


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "report": _report,
    "fiches": _report,
    "iramuteq": _iramuteq,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit code (0 success, 2 user error, 3 unexpected error,
    130 interrupted)."""
    args = build_parser().parse_args(argv)
    with messages.warnings_said_once(debug=args.debug):
        try:
            return _COMMANDS[args.command](args)
        except KeyboardInterrupt:
            print("interrompu : aucun fichier à moitié écrit n'a été laissé.", file=sys.stderr)
            return EXIT_INTERRUPTED
        except Exception as error:
            if args.debug:
                traceback.print_exc(file=sys.stderr)
            if messages.is_user_error(error):
                print(messages.user_error_line(error), file=sys.stderr)
                return EXIT_USER_ERROR
            print(messages.bug_line(error), file=sys.stderr)
            return EXIT_BUG


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
