"""``ivr tokens``: an operator makes, lists and revokes the API's bearer tokens."""

from __future__ import annotations

import hashlib

from click.testing import CliRunner
from sqlalchemy import create_engine, select

from ivr.adapters.sql.models import ApiToken
from ivr.cli import main
from tests.api import Api


def run(*args: str, database_url: str):
    return CliRunner().invoke(
        main, list(args), env={"DATABASE_URL": database_url}, catch_exceptions=False
    )


def test_tokens_create_prints_a_working_token_once_and_stores_its_digest(
    app, database_url: str
) -> None:
    result = run(
        "tokens", "create", "--role", "manager", "--name", "crm", database_url=database_url
    )
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert token.startswith("ivr_") and "\n" not in token
    assert "not shown again" in result.stderr
    engine = create_engine(database_url)
    with engine.connect() as connection:
        row = connection.execute(select(ApiToken)).one()
    engine.dispose()
    assert (row.name, row.role) == ("crm", "manager")
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    api = Api(app)
    assert api.get("/callbacks", token=token).status_code == 200
    assert (
        api.post("/agents", token=token, json={"name": "A", "phone": "+12025550111"}).status_code
        == 403
    )


def test_tokens_list_shows_each_token_but_never_the_token(app, database_url: str) -> None:
    token = run("tokens", "create", "--role", "agent", database_url=database_url).stdout.strip()
    listing = run("tokens", "list", database_url=database_url)
    assert listing.exit_code == 0
    assert "agent token" in listing.output and " agent " in listing.output
    assert token not in listing.output


def test_a_revoked_token_stops_working(app, database_url: str) -> None:
    token = run("tokens", "create", "--role", "admin", database_url=database_url).stdout.strip()
    api = Api(app)
    assert api.get("/agents", token=token).status_code == 200
    (token_id,) = [
        line.split()[0]
        for line in run("tokens", "list", database_url=database_url).output.splitlines()[1:]
    ]
    revoked = run("tokens", "revoke", token_id, database_url=database_url)
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert api.get("/agents", token=token).status_code == 401


def test_revoking_an_unknown_token_fails_saying_so(database_url: str) -> None:
    result = CliRunner().invoke(
        main, ["tokens", "revoke", "999"], env={"DATABASE_URL": database_url}
    )
    assert result.exit_code != 0
    assert "there is no token 999" in result.output


def test_tokens_create_needs_a_known_role(database_url: str) -> None:
    result = CliRunner().invoke(
        main, ["tokens", "create", "--role", "root"], env={"DATABASE_URL": database_url}
    )
    assert result.exit_code == 2
