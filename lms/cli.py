"""`flask lms ...` commands: demo data, the first administrator, staff import, status checks."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from lms.db import commit_or_rollback
from lms.errors import ValidationFailed
from lms.extensions import db

lms_cli = AppGroup("lms", help="Platform administration commands.")

# Domain demo seeders, run after the core's: each module has seed_demo(staff_count, echo).
DEMO_SEEDERS: tuple[str, ...] = ("lms.personnel.demo", "courses.demo", "courses.enrollment.demo", "courses.subsidies.demo",
                                   "courses.tracks.demo", "courses.online.demo")


def _committing(fn):
    """CLI commands end like requests: one commit, or a rollback on error."""
    def wrapper(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            commit_or_rollback(exc)
            raise
        commit_or_rollback(None)
        return result
    wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
    return wrapper


@lms_cli.command("seed-demo")
@click.option("--staff", default=500, show_default=True, help="How many generated staff to add.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has agencies.")
@_committing
def seed_demo(staff: int, if_empty: bool) -> None:
    """Seed a realistic city: agencies and units, staff with Chinese names, one account per role."""
    from lms import demo

    if demo.core_is_seeded():
        if if_empty:
            click.echo("Demo data already present; nothing to do.")
            return
        raise click.ClickException("The database already has agencies; seed-demo needs an empty database.")
    agencies = demo.seed_agencies()
    demo.seed_demo_accounts(agencies)
    with click.progressbar(length=staff, label=f"Seeding {staff} staff", file=sys.stderr) as bar:
        demo.seed_staff(staff, agencies, progress=bar.update)
    for name in DEMO_SEEDERS:
        importlib.import_module(name).seed_demo(staff, click.echo)
    click.echo(f"Seeded {len(agencies)} agencies, {staff + len(demo.DEMO_ACCOUNTS)} staff. "
               f"Demo accounts (password {demo.DEMO_PASSWORD}): "
               + ", ".join(f"{no} ({role.value})" for no, role, *_ in demo.DEMO_ACCOUNTS))


@lms_cli.command("create-admin")
@click.option("--email", required=True, help="Sign-in e-mail of the system administrator.")
@click.password_option(help="Password (asked when not given).")
@_committing
def create_admin(email: str, password: str) -> None:
    """Create a system administrator account (not tied to a staff record)."""
    from lms.auth.models import Role
    from lms.auth.services import create_user

    try:
        create_user(password, email=email, roles=[(Role.SYSADMIN, None)])
    except ValidationFailed as exc:
        raise click.ClickException("; ".join(m for _, m in exc.errors)) from None
    click.echo(f"System administrator {email} created.")


@lms_cli.command("import-staff")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partial", is_flag=True, help="Write the good rows even when some are rejected.")
@_committing
def import_staff(path: Path, partial: bool) -> None:
    """Upsert staff from a CSV file (UTF-8 or Big5) by staff number; reports rejected lines."""
    from lms.people import services

    try:
        rows = services.read_staff_csv(path.read_bytes())
    except ValidationFailed as exc:
        raise click.ClickException("; ".join(m for _, m in exc.errors)) from None
    with click.progressbar(length=len(rows), label="Importing staff", file=sys.stderr) as bar:
        report = services.import_staff(rows, partial=partial, progress=bar.update)
    for line, staff_no, reason in report.rejected:
        click.echo(f"line {line}: {staff_no or '(no staff number)'}: {reason}")
    verb = "written" if report.written else "checked (nothing written)"
    click.echo(f"{len(rows)} rows {verb}: {report.created} created, {report.updated} updated, "
               f"{report.unchanged} unchanged, {len(report.rejected)} rejected.")
    if report.rejected and not report.written:
        raise click.ClickException("Rejected rows: nothing was imported. Fix them, or use --partial.")


@lms_cli.command("compile-translations")
def compile_translations() -> None:
    """Compile every package's message catalogue (.po -> .mo)."""
    from lms.i18n import compile_catalogues

    for path in compile_catalogues(force=True):
        click.echo(f"compiled {path}")


@lms_cli.command("check")
def check() -> None:
    """Check a deployment: its settings, the database and its schema, the broker, the object storage.
    Prints one line per check (ok, WARN or FAIL) and exits 1 if anything failed."""
    from flask import current_app

    from lms.core.health import check_schema, configuration_checks, run_checks

    services = run_checks()
    checks = configuration_checks(current_app.config) + services
    if services[0].ok:  # the database answered, so its schema can be read
        checks.append(check_schema())
    for c in checks:
        click.echo(f"{c.label} {c.name}: {c.detail}")
    failed = [c.name for c in checks if not c.ok]
    click.echo(f"{len(checks) - len(failed)} of {len(checks)} checks passed"
               + (f"; failed: {', '.join(failed)}" if failed else "."))
    if failed:
        raise SystemExit(1)


@lms_cli.command("backup")
@click.argument("output", type=click.Path(dir_okay=False, writable=True))
def backup(output: str) -> None:
    """Write the whole installation (every table and every stored file) to OUTPUT (.tar, or .tar.gz)."""
    from lms.core.backup import write_backup

    with click.progressbar(length=0, label="Backing up", show_pos=True, item_show_func=lambda i: i) as bar:
        summary = write_backup(output, progress=lambda item: bar.update(1, item))
    click.echo(f"Backed up {summary.rows} rows in {len(summary.tables)} tables and {summary.files} files "
               f"({summary.file_bytes} bytes) to {output}")


@lms_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="Overwrite an installation that already has users or staff.")
@_committing
def restore(source: str, replace: bool) -> None:
    """Load a backup made by `flask lms backup` into this installation (same schema revision), in one
    transaction: everything is restored or nothing is."""
    from lms.core.backup import BackupError, restore_backup

    try:
        with click.progressbar(length=0, label="Restoring", show_pos=True, item_show_func=lambda i: i) as bar:
            summary = restore_backup(source, replace=replace, progress=lambda item: bar.update(1, item))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {summary.rows} rows in {len(summary.tables)} tables and {summary.files} files "
               f"({summary.file_bytes} bytes) from {source}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(lms_cli)
