"""The ``ivr`` command: a Flask CLI group with the project's chores.

``callflows check`` and ``db upgrade`` need no running services and only the settings they use,
so CI and a deployment's release phase can run them before anything else is up.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup

from ivr import cli_speech, cli_users, create_app, instance_path
from ivr.config import ConfigError, default_database_url


def _app():
    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(f"configuration: {error}") from error


main = FlaskGroup(create_app=_app, help="The contact centre: webhooks, flows, sandbox, jobs.")


def database_url() -> str:
    from ivr.config import normalise_database_url

    return normalise_database_url(
        os.environ.get("DATABASE_URL", "").strip() or default_database_url(instance_path())
    )


@main.group("callflows", cls=click.Group)
def callflows() -> None:
    """Call flows kept as YAML in callflows/."""


@callflows.command("check")
@click.argument(
    "directory",
    required=False,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
)
def callflows_check(directory: Path | None) -> None:
    """Validate every flow; exit 1 listing each problem (file, step, what is wrong)."""
    from ivr.config import default_callflows_dir
    from ivr.core.flows.validate import check_directory

    directory = directory or Path(os.environ.get("IVR_CALLFLOWS_DIR") or default_callflows_dir())
    problems = check_directory(directory)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise SystemExit(1)
    flows = sorted(p.name for p in directory.glob("*.y*ml"))
    click.echo(f"{len(flows)} call flow(s) OK in {directory}: {', '.join(flows)}")


@main.group("db", cls=click.Group)
def db() -> None:
    """The records database (DATABASE_URL; SQLite in the instance folder by default)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the Alembic migrations."""
    from ivr.adapters.sql.migrate import upgrade

    url = database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    upgrade(url, revision)
    click.echo(f"database at {_redacted(url)} is at revision {revision}")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert the migrations down to REVISION (``base`` for an empty database)."""
    from ivr.adapters.sql.migrate import downgrade

    downgrade(database_url(), revision)
    click.echo(f"database is at revision {revision}")


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.command("seed", with_appcontext=False)
def seed() -> None:
    """Add the demo business's agents and customers (idempotent)."""
    from ivr.adapters.sql.database import Database
    from ivr.seed import seed_demo

    database = Database(database_url())
    try:
        added = seed_demo(database)
    finally:
        database.dispose()
    click.echo(f"demo data: {added['agents']} agent(s), {added['customers']} customer(s) added")


@main.command("worker", with_appcontext=False)
@click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
def worker(burst: bool) -> None:
    """An RQ worker with the scheduler, on the high then default queues."""
    from workers.runtime import run_worker

    try:
        run_worker(burst=burst)
    except ConfigError as error:
        raise click.ClickException(f"configuration: {error}") from error


@main.command("sandbox", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5055, show_default=True, type=int)
@click.option("--number", default=None, help="The business number (default TWILIO_PHONE_NUMBER).")
@click.option("--voice-url", default=None, help="Default: PUBLIC_BASE_URL/voice/incoming.")
@click.option("--status-callback", default=None, help="Default: PUBLIC_BASE_URL/voice/status.")
@click.option("--time-scale", default=1.0, show_default=True, type=float)
def sandbox(
    host: str,
    port: int,
    number: str | None,
    voice_url: str | None,
    status_callback: str | None,
    time_scale: float,
) -> None:
    """Run the local Twilio-compatible carrier and its phone page.

    With TWILIO_API_KEY and TWILIO_API_SECRET set, the sandbox knows that API key, so the
    access tokens the app mints for browser phones register with it."""
    from ivr.sandbox.serve import run

    env = os.environ
    sid, token = env.get("TWILIO_ACCOUNT_SID", ""), env.get("TWILIO_AUTH_TOKEN", "")
    if not sid or not token:
        raise click.ClickException("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set")
    public = env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    number = number or env.get("TWILIO_PHONE_NUMBER", "")
    if not number:
        raise click.ClickException("--number or TWILIO_PHONE_NUMBER must be given")
    run(
        host=host,
        port=port,
        account_sid=sid,
        auth_token=token,
        numbers={
            number: {
                "voice_url": voice_url or f"{public}/voice/incoming",
                "status_callback": status_callback or f"{public}/voice/status",
            }
        },
        time_scale=time_scale,
        api_keys=_api_keys(env),
    )


def _api_keys(env) -> dict[str, str]:
    key, secret = env.get("TWILIO_API_KEY", "").strip(), env.get("TWILIO_API_SECRET", "").strip()
    return {key: secret} if key and secret else {}


@main.command("demo", with_appcontext=False)
@click.option("--port", default=5000, show_default=True, type=int, help="The web app's port.")
@click.option("--sandbox-port", default=5055, show_default=True, type=int)
def demo(port: int, sandbox_port: int) -> None:
    """Everything on embedded defaults: Redis, database, sandbox carrier, web and worker."""
    from ivr.demo import run_demo

    sys.exit(run_demo(web_port=port, sandbox_port=sandbox_port))


@main.group("tokens", cls=click.Group)
def tokens() -> None:
    """Bearer tokens for the JSON API (/api/v1): stored only as SHA-256 digests."""


def _access():
    from ivr.adapters.sql.database import Database
    from ivr.adapters.sql.tokens import SqlApiTokens
    from ivr.bootstrap import SystemClock
    from ivr.services.access import ApiAccess

    database = Database(database_url())
    return database, ApiAccess(SqlApiTokens(database), SystemClock(), environment_token=None)


@tokens.command("create")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "manager", "agent"]),
    help="agent: agents, queues, status; manager: also customers, callbacks; admin: also "
    "adding and changing agents.",
)
@click.option("--name", default="", help="A label saying whose or what it is.")
def tokens_create(role: str, name: str) -> None:
    """Make a token and print it once: only its digest is kept, so it cannot be shown again."""
    from ivr.core.access import Role

    database, access = _access()
    try:
        issued = access.issue(Role(role), name=name.strip() or f"{role} token")
    finally:
        database.dispose()
    click.echo(issued.token)
    click.echo(
        f"token {issued.record.id} ({issued.record.name}, {role}); store it now, it is not "
        "shown again",
        err=True,
    )


@tokens.command("list")
def tokens_list() -> None:
    """Every token: id, role, name, when made, last used, revoked (never the token)."""
    database, access = _access()
    try:
        records = access.tokens()
    finally:
        database.dispose()

    def when(moment) -> str:
        return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"

    click.echo(f"{'id':>4}  {'role':<8} {'created':<16}  {'last used':<16}  {'revoked':<16}  name")
    for record in records:
        click.echo(
            f"{record.id:>4}  {record.role:<8} {when(record.created_at):<16}  "
            f"{when(record.last_used_at):<16}  {when(record.revoked_at):<16}  {record.name}"
        )


@tokens.command("revoke")
@click.argument("token_id", metavar="ID", type=int)
def tokens_revoke(token_id: int) -> None:
    """Refuse this token from now on (idempotent)."""
    database, access = _access()
    try:
        record = access.revoke(token_id)
    finally:
        database.dispose()
    if record is None:
        raise click.ClickException(f"there is no token {token_id} (see: ivr tokens list)")
    click.echo(f"token {record.id} ({record.name}, {record.role}) is revoked")


@main.group("recordings", cls=click.Group)
def recordings() -> None:
    """Our copies of call recordings (IVR_RECORDINGS_DIR): list, fetch again, prune."""


def _recording_services():
    from ivr.bootstrap import build_services
    from ivr.config import load_settings

    try:
        return build_services(load_settings(instance_path=instance_path()))
    except ConfigError as error:
        raise click.ClickException(f"configuration: {error}") from error


@recordings.command("list")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["reported", "stored", "failed", "pruned", "absent"]),
    help="Only these (repeatable).",
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
def recordings_list(statuses: tuple[str, ...], limit: int) -> None:
    """Newest first: SID, kind, status, attempts, when reported, path or last error."""
    from ivr.core.recordings import RecordingStatus

    built = _recording_services()
    try:
        rows = built.recordings.rows.listed(
            statuses=tuple(RecordingStatus(s) for s in statuses), limit=limit
        )
    finally:
        built.close()
    header = f"{'recording':<34}  {'kind':<9} {'status':<8} {'tries':>5}  {'reported':<16}"
    click.echo(header + "  where")
    for row in rows:
        where = row.path if row.status in ("stored", "pruned") else (row.last_error or "")
        click.echo(
            f"{row.recording_sid:<34}  {row.kind:<9} {row.status:<8} {row.attempts:>5}  "
            f"{row.reported_at:%Y-%m-%d %H:%M}  {where}"
        )


@recordings.command("fetch")
@click.argument("recording_sids", nargs=-1, metavar="[RECORDING_SID]...")
def recordings_fetch(recording_sids: tuple[str, ...]) -> None:
    """Queue the download again: of these recordings, or of every failed one and every one
    still waiting for its download (a worker does it). Stored recordings are left alone."""
    built = _recording_services()
    try:
        queued = built.recordings.fetch_again(recording_sids)
    except LookupError as error:
        raise click.ClickException(str(error)) from error
    finally:
        built.close()
    for row in queued:
        click.echo(f"queued {row.recording_sid} ({row.status}, {row.attempts} tries so far)")
    click.echo(f"{len(queued)} download(s) queued")


@recordings.command("prune")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Delete audio recorded more than this many days ago (default "
    "IVR_RECORDING_RETENTION_DAYS).",
)
def recordings_prune(days: int | None) -> None:
    """Delete old audio, keeping each recording's row and transcript; safe to run twice."""
    built = _recording_services()
    try:
        days = days or built.settings.recording.retention_days
        if not days:
            click.echo("IVR_RECORDING_RETENTION_DAYS is 0 (keep audio for ever): nothing pruned")
            return
        result = built.recordings.prune(days=days)
    finally:
        built.close()
    for sid in result.pruned:
        note = " (file was already gone)" if sid in result.missing else ""
        click.echo(f"pruned {sid}{note}")
    for error in result.errors:
        click.echo(f"could not prune {error}", err=True)
    click.echo(
        f"{len(result.pruned)} recording(s) recorded before {result.cutoff:%Y-%m-%d %H:%M} UTC "
        f"pruned; transcripts kept"
    )
    if result.errors:
        raise SystemExit(1)


# Speech models, transcripts and the transcriber worker (ivr/cli_speech.py).
cli_speech.register(main)

# Console users (ivr/cli_users.py).
cli_users.register(main)
