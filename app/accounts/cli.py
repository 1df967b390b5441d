"""`flask create-admin EMAIL`."""
import getpass

import click

from app.accounts import services
from app.accounts.passwords import MIN_LENGTH
from app.core.errors import AppError


def register(app) -> None:
    @app.cli.command("create-admin")
    @click.argument("email")
    @click.option("--name", help="Display name when a new account is created.")
    @click.option("--password", help="Password for a new account (prompted when omitted).")
    def create_admin(email: str, name: str | None, password: str | None) -> None:
        """Make EMAIL an admin, creating the account if it does not exist."""
        if services.find_user_by_email(email) is None and not password:
            password = getpass.getpass(f"Password for the new admin ({MIN_LENGTH}+ characters): ")
        if password is not None and len(password) < MIN_LENGTH:
            raise click.ClickException(f"The password needs at least {MIN_LENGTH} characters.")
        try:
            user, created = services.make_admin(email=email, password=password, name=name)
        except AppError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"{'Created' if created else 'Promoted'} admin {user.email} (id {user.id}).")
