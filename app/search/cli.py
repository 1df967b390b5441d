"""`flask search …` commands."""
import click

from app.search import services


def register(app) -> None:
    group = click.Group("search", help="The search index of listings, mentors, startups and roadshows.")

    @group.command("reindex")
    @click.option("--kind", "kinds", multiple=True,
                  help="Only this kind of item (listing, mentor, startup, roadshow); may be repeated.")
    def reindex(kinds: tuple[str, ...]) -> None:
        """Rebuild the search index from the data (after an import, or a change to the text analysis)."""
        try:
            counts = services.rebuild_index(list(kinds) or None)
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        for kind, count in counts.items():
            click.echo(f"{kind}: {count} documents")

    app.cli.add_command(group)
