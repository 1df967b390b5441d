"""`flask create-admin EMAIL`."""
import getpass

import click

from app.accounts import services
from app.core.errors import AppError


def register(app) -> None:
    @app.cli.command("create-admin")
    @click.argument("email")
    @click.option("--name", help="Display name when a new account is created.")
    @click.option("--password", help="Password for a new account (prompted when omitted).")
    def create_admin(email: str, name: str | None, password: str | None) -> None:
        """Make EMAIL an admin, creating the account if it does not exist."""
        if services.find_user_by_email(email) is None and not password:
            password = getpass.getpass("Password for the new admin (10+ characters): ")
        if password is not None and len(password) < 10:
            raise click.ClickException("The password needs at least 10 characters.")
        try:
            user, created = services.make_admin(email=email, password=password, name=name)
        except AppError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"{'Created' if created else 'Promoted'} admin {user.email} (id {user.id}).")
