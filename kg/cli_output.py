"""What the `kg` commands share: the app, the two consoles, and how they print.

Everything printed that comes from data (articles, file names, error messages quoting them) is
printed as text, never as rich markup; lines are not wrapped when the output is not a terminal.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from typer.core import TyperArgument, TyperOption

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="newskg: knowledge graphs of actors, places and events from news articles.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _shown_type(param, ctx) -> str:
    """In --help, the metavar each option names (DIR, N, MB), never typer's Python types
    (`<list[Path]>`, `<bool>`); an argument's metavar is already its name."""
    return param.metavar or "" if isinstance(param, TyperOption) else ""


TyperOption.display_type_rich = TyperArgument.display_type_rich = _shown_type


def fail(message: str, code: int = 2) -> None:
    err.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False)
    raise typer.Exit(code)


def plural(n: int, noun: str, many: str | None = None) -> str:
    """'1 article', '2 articles' ('entity', 'entities': give the plural when it is not noun + s)."""
    return f"{n} {noun if n == 1 else many or noun + 's'}"


def build_folder():
    return typer.Argument(help="A build folder.", metavar="DIR")


def rich_table(title: str, columns: tuple[str, ...], rows) -> Table:
    """A rich table whose cells are shown as text, never as markup (they come from articles)."""
    view = Table(*columns, title=title, title_justify="left")
    for row in rows:
        view.add_row(*(escape(str(c)) for c in row))
    return view
