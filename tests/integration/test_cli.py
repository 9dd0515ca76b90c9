"""The ivr command: chores that CI and a deployment's release phase run."""

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, func, inspect, select

from ivr.adapters.sql.models import Agent, Customer
from ivr.cli import main
from tests.helpers import CALLFLOWS


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_callflows_check_passes_the_shipped_flows() -> None:
    result = run("callflows", "check", str(CALLFLOWS))
    assert result.exit_code == 0
    assert "demo.yaml" in result.output


def test_callflows_check_fails_naming_file_step_and_problem(tmp_path: Path) -> None:
    broken = (
        (CALLFLOWS / "demo.yaml").read_text().replace("next: billing_menu", "next: biling_menu", 1)
    )
    (tmp_path / "demo.yaml").write_text(broken)
    result = run("callflows", "check", str(tmp_path))
    assert result.exit_code == 1
    assert 'demo.yaml: step "main_menu"' in result.output
    assert '"biling_menu", which does not exist' in result.output


def test_db_upgrade_then_seed_twice_adds_the_demo_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert run("db", "upgrade", env={"DATABASE_URL": url}).exit_code == 0
    first = run("seed", env={"DATABASE_URL": url})
    second = run("seed", env={"DATABASE_URL": url})
    assert "3 agent(s), 3 customer(s) added" in first.output
    assert "0 agent(s), 0 customer(s) added" in second.output
    engine = create_engine(url)
    assert "calls" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.scalar(select(func.count(Agent.id))) == 3
        assert connection.scalar(select(func.count(Customer.id))) == 3
    engine.dispose()


def test_a_command_that_needs_the_app_names_the_missing_variable() -> None:
    result = CliRunner().invoke(
        main, ["routes"], env={"TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": ""}
    )
    assert result.exit_code != 0
    assert "TWILIO_ACCOUNT_SID is not set" in result.output
