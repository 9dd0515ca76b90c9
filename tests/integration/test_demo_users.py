"""The demo's console users: an agent who answers in the browser and a manager, with passwords
made at random once, kept for the owner only, and the same on every later run."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from ivr.adapters.sql.database import Database
from ivr.adapters.sql.migrate import upgrade
from ivr.bootstrap import accounts_on
from ivr.seed import DEMO_USERS, seed_demo, seed_demo_users


def test_the_demo_users_can_sign_in_and_keep_their_passwords_across_runs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    upgrade(url)
    database = Database(url)
    logins = tmp_path / "instance" / "demo-logins.json"
    try:
        seed_demo(database)
        first = seed_demo_users(database, logins)
        again = seed_demo_users(database, logins)
        accounts = accounts_on(database)

        assert [user.email for user, _ in first] == [user.email for user in DEMO_USERS]
        assert first == again, "a second run keeps the passwords it printed the first time"
        assert len({password for _, password in first}) == len(first)
        assert stat.S_IMODE(logins.stat().st_mode) == 0o600
        assert json.loads(logins.read_text()) == {user.email: pw for user, pw in first}
        for user, password in first:
            signed_in = accounts.authenticate(user.email, password)
            assert signed_in is not None and str(signed_in.role) == user.role
        casey = accounts.authenticate(first[0][0].email, first[0][1])
        assert casey is not None and casey.agent_id is not None, "the agent's user is an agent"
    finally:
        database.dispose()


def test_a_lost_logins_file_gets_new_passwords_that_work(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    upgrade(url)
    database = Database(url)
    logins = tmp_path / "demo-logins.json"
    try:
        seed_demo(database)
        old = seed_demo_users(database, logins)
        logins.unlink()
        new = seed_demo_users(database, logins)
        accounts = accounts_on(database)
        for (user, before), (_, after) in zip(old, new, strict=True):
            assert before != after
            assert accounts.authenticate(user.email, before) is None
            assert accounts.authenticate(user.email, after) is not None
    finally:
        database.dispose()
