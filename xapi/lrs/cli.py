"""`flask xapi ...`: issue and revoke LRS client credentials from the command line."""
from __future__ import annotations

import click

from lms.cli import _committing
from lms.errors import ValidationFailed
from xapi.lrs.blueprint import bp


@bp.cli.command("create-client")
@click.argument("name")
@click.option("--read-only", is_flag=True, help="The client may only read statements and documents.")
@_committing
def create_client_command(name: str, read_only: bool) -> None:
    """Issue HTTP Basic credentials; the last line printed is `KEY SECRET` (the secret is shown once)."""
    from xapi.store.services import create_client

    try:
        client, secret = create_client(name, can_write=not read_only)
    except ValidationFailed as exc:
        raise click.ClickException("; ".join(m for _, m in exc.errors)) from None
    click.echo(f"LRS client {client.name!r} created ({'read-only' if read_only else 'read/write'}). "
               "Keep the secret now: it is not shown again.")
    click.echo(f"{client.key} {secret}")


@bp.cli.command("revoke-client")
@click.argument("key")
@_committing
def revoke_client_command(key: str) -> None:
    """Revoke a client's credentials by key."""
    from lms.extensions import db
    from xapi.store.models import LrsClient
    from xapi.store.services import revoke_client

    client = db.session.execute(db.select(LrsClient).where(LrsClient.key == key)).scalar_one_or_none()
    if client is None:
        raise click.ClickException(f"No LRS client with key {key}.")
    revoke_client(client)
    click.echo(f"LRS client {client.name!r} revoked.")
