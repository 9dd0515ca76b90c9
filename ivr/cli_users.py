"""``ivr users``: the people who sign in to the consoles.

Needs only the database (``DATABASE_URL``), like ``ivr tokens``: the first admin is made on a
fresh install before anything else is configured. A password is asked for at a prompt (twice,
hidden) or read from standard input with ``--password-stdin`` (for automation), never taken
as an argument, where it would sit in the shell's history and the process list.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click


@contextmanager
def _accounts() -> Iterator:
    from ivr.adapters.sql.database import Database
    from ivr.bootstrap import accounts_on
    from ivr.cli import database_url

    database = Database(database_url())
    try:
        yield accounts_on(database)
    finally:
        database.dispose()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group("users")
def users() -> None:
    """Console users (agent, manager, admin); passwords are kept as argon2id hashes."""


@users.command("create")
@click.option("--email", required=True, help="What they sign in with.")
@click.option("--name", required=True, help="How the consoles name them.")
@click.option(
    "--role",
    type=click.Choice(["admin", "manager", "agent"]),
    default="admin",
    show_default=True,
    help="agent: their calls; manager: also the wallboard, reports and transcripts; "
    "admin: also users and the audit log.",
)
@click.option("--agent", "agent_id", type=int, help="The agent (id) an agent's user is.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(
    email: str, name: str, role: str, agent_id: int | None, password_stdin: bool
) -> None:
    """Make a user (the first admin, on a new install)."""
    from ivr.core.accounts import AccountError

    password = _password(password_stdin)
    with _accounts() as accounts:
        try:
            user = accounts.create(
                email=email, name=name, role=role, password=password, agent_id=agent_id
            )
        except AccountError as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"user {user.id}: {user.email} ({user.role}) can sign in at /console/login")


@users.command("list")
def users_list() -> None:
    """Every user: id, role, e-mail, agent, active, last sign-in."""
    with _accounts() as accounts:
        users_found = accounts.users.all()
    click.echo(f"{'id':>4}  {'role':<8} {'agent':>5}  {'active':<6}  {'last sign-in':<16}  e-mail")
    for user in users_found:
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "-"
        agent = str(user.agent_id) if user.agent_id else "-"
        click.echo(
            f"{user.id:>4}  {user.role:<8} {agent:>5}  {'yes' if user.active else 'no':<6}  "
            f"{last:<16}  {user.email}"
        )


def _user_id(accounts, email: str) -> int:
    from ivr.core.accounts import AccountError, normalise_email

    try:
        found = accounts.users.by_email(normalise_email(email))
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    if found is None:
        raise click.ClickException(f"there is no user {email} (see: ivr users list)")
    return found[0].id


@users.command("password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_password(email: str, password_stdin: bool) -> None:
    """Set a new password; every session the user had ends."""
    from ivr.core.accounts import AccountError

    password = _password(password_stdin)
    with _accounts() as accounts:
        try:
            accounts.change_password(_user_id(accounts, email), password)
        except AccountError as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"{email}: password changed; their sessions have ended")


@users.command("deactivate")
@click.argument("email")
def users_deactivate(email: str) -> None:
    """Stop a user signing in; every session they had ends at once."""
    with _accounts() as accounts:
        accounts.deactivate(_user_id(accounts, email))
    click.echo(f"{email} is deactivated")


def register(main: click.Group) -> None:
    main.add_command(users)
