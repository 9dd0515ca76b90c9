"""Whether later turns need to know the caller (so a webhook can skip looking them up)."""

from ivr.core.flows.loader import load_flow
from ivr.core.flows.paths import knows_the_caller_after_a_reply
from tests.unit.flows.conftest import MINIMAL_FLOW


def test_the_demo_greets_by_name_only_at_the_start(demo_flow) -> None:
    assert knows_the_caller_after_a_reply(demo_flow) is False


def test_a_menu_option_that_greets_by_name_needs_the_caller(write_flow) -> None:
    text = MINIMAL_FLOW.replace(
        '    prompt: {en: "No news.", es: "Sin noticias."}',
        '    prompt: {en: "No news.", es: "Sin noticias."}\n'
        '    known_prompt: {en: "No news, {name}.", es: "Sin noticias, {name}."}',
    )
    assert knows_the_caller_after_a_reply(load_flow(write_flow(text))) is True


def test_the_minimal_flow_does_not(write_flow) -> None:
    assert knows_the_caller_after_a_reply(load_flow(write_flow(MINIMAL_FLOW))) is False
