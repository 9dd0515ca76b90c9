"""``ivr users``: an operator makes the first admin, lists users, resets and deactivates."""

from __future__ import annotations

from click.testing import CliRunner

from ivr.cli import main
from tests.console import sign_in


def run(*args: str, database_url: str, password: str | None = None):
    return CliRunner().invoke(
        main,
        list(args),
        env={"DATABASE_URL": database_url},
        input=None if password is None else password + "\n",
        catch_exceptions=False,
    )


class Made:
    def __init__(self, email: str, password: str) -> None:
        self.email, self.password = email, password


def test_users_create_makes_an_admin_who_can_sign_in(app, client, database_url: str) -> None:
    made = run(
        "users",
        "create",
        "--email",
        "Boss@Example.com",
        "--name",
        "Boss",
        "--password-stdin",
        database_url=database_url,
        password="a long admin passphrase",
    )
    assert made.exit_code == 0, made.output
    assert "boss@example.com (admin)" in made.output
    assert sign_in(client, Made("boss@example.com", "a long admin passphrase")).status_code == 302
    listing = run("users", "list", database_url=database_url)
    assert "admin" in listing.output and "boss@example.com" in listing.output


def test_users_create_refuses_a_short_password_and_an_agent_user_without_an_agent(
    database_url: str,
) -> None:
    short = run(
        "users",
        "create",
        "--email",
        "a@example.com",
        "--name",
        "A",
        "--password-stdin",
        database_url=database_url,
        password="short",
    )
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    agentless = run(
        "users",
        "create",
        "--email",
        "b@example.com",
        "--name",
        "B",
        "--role",
        "agent",
        "--password-stdin",
        database_url=database_url,
        password="long enough passphrase",
    )
    assert agentless.exit_code != 0 and "--agent" in agentless.output


def test_a_new_password_and_deactivation_take_effect(app, client, database_url: str) -> None:
    run(
        "users",
        "create",
        "--email",
        "m@example.com",
        "--name",
        "M",
        "--role",
        "manager",
        "--password-stdin",
        database_url=database_url,
        password="first passphrase here",
    )
    changed = run(
        "users",
        "password",
        "m@example.com",
        "--password-stdin",
        database_url=database_url,
        password="second passphrase here",
    )
    assert changed.exit_code == 0
    assert sign_in(client, Made("m@example.com", "first passphrase here")).status_code == 401
    assert sign_in(client, Made("m@example.com", "second passphrase here")).status_code == 302
    assert run("users", "deactivate", "m@example.com", database_url=database_url).exit_code == 0
    assert sign_in(client, Made("m@example.com", "second passphrase here")).status_code == 401
