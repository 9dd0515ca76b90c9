"""The dialling policy: only a visitor's own phone, in a country we serve, at an ordinary rate.

Every number here is phonenumbers' own example of its type, so each test names a real rule of
a real numbering plan rather than a guess about one.
"""

from __future__ import annotations

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from ivr.core.dialing import DialingPolicy, NotDialable

US_AND_UK = DialingPolicy(allowed_regions=frozenset({"US", "GB"}), default_region="US")


def example(region: str, kind: int) -> str:
    number = phonenumbers.example_number_for_type(region, kind)
    assert number is not None, f"phonenumbers has no {kind} example for {region}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def refusal(policy: DialingPolicy, raw: str) -> NotDialable:
    with pytest.raises(NotDialable) as caught:
        policy.check(raw)
    return caught.value


@pytest.mark.parametrize(
    ("region", "kind"),
    [
        ("US", PhoneNumberType.FIXED_LINE_OR_MOBILE),
        ("GB", PhoneNumberType.FIXED_LINE),
        ("GB", PhoneNumberType.MOBILE),
        ("GB", PhoneNumberType.VOIP),
    ],
)
def test_a_persons_phone_in_an_allowed_country_is_dialled_in_e164(region: str, kind: int) -> None:
    number = example(region, kind)

    assert US_AND_UK.check(number) == number


@pytest.mark.parametrize(
    "written", ["(201) 555-0123", "201-555-0123", "201.555.0123", "+1 201 555 0123", "12015550123"]
)
def test_every_way_of_writing_a_number_gives_the_same_e164(written: str) -> None:
    assert US_AND_UK.check(written) == "+12015550123"


@pytest.mark.parametrize(
    ("region", "kind", "reason"),
    [
        ("US", PhoneNumberType.PREMIUM_RATE, "premium-rate"),
        ("GB", PhoneNumberType.PREMIUM_RATE, "premium-rate"),
        ("US", PhoneNumberType.TOLL_FREE, "toll-free"),
        ("GB", PhoneNumberType.TOLL_FREE, "toll-free"),
        ("US", PhoneNumberType.PERSONAL_NUMBER, "personal-number"),
        ("GB", PhoneNumberType.PERSONAL_NUMBER, "personal-number"),
        ("GB", PhoneNumberType.PAGER, "not-a-phone"),
        ("GB", PhoneNumberType.UAN, "not-a-phone"),
    ],
)
def test_numbers_that_are_not_a_persons_phone_at_an_ordinary_rate_are_refused(
    region: str, kind: int, reason: str
) -> None:
    refused = refusal(US_AND_UK, example(region, kind))

    assert refused.reason == reason
    assert "Please give" in refused.message


def test_a_shared_cost_number_is_refused() -> None:
    germany = DialingPolicy(allowed_regions=frozenset({"DE"}), default_region="DE")

    refused = refusal(germany, example("DE", PhoneNumberType.SHARED_COST))

    assert refused.reason == "shared-cost"


def test_a_voicemail_access_number_is_refused() -> None:
    germany = DialingPolicy(allowed_regions=frozenset({"DE"}), default_region="DE")

    assert refusal(germany, example("DE", PhoneNumberType.VOICEMAIL)).reason == "not-a-phone"


def test_a_number_in_a_country_we_do_not_serve_is_refused_naming_those_we_do() -> None:
    refused = refusal(US_AND_UK, example("FR", PhoneNumberType.MOBILE))

    assert refused.reason == "country-not-allowed"
    assert refused.message == (
        "Sorry, we can only call numbers in United Kingdom (+44) and United States (+1)."
    )


def test_a_canadian_number_shares_the_plus_one_but_not_the_country() -> None:
    us_only = DialingPolicy(allowed_regions=frozenset({"US"}), default_region="US")

    assert refusal(us_only, example("CA", PhoneNumberType.FIXED_LINE)).reason == (
        "country-not-allowed"
    )


def test_an_international_freephone_number_belongs_to_no_country_we_serve() -> None:
    assert refusal(US_AND_UK, "+800 1234 5678").reason == "country-not-allowed"


def test_a_number_of_no_known_type_is_invalid() -> None:
    """phonenumbers gives UNKNOWN to a number that fits no pattern of its plan (an exchange
    of 000 here) and calls it invalid: refused, with a message that says to check it."""
    number = phonenumbers.parse("+12020000000")
    assert phonenumbers.number_type(number) == PhoneNumberType.UNKNOWN

    refused = refusal(US_AND_UK, "+12020000000")

    assert refused.reason == "invalid"
    assert "check it" in refused.message


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "enter your phone number"),
        ("   ", "enter your phone number"),
        ("call me maybe", "does not look like a phone number"),
        ("client:alice", "does not look like a phone number"),
        ("1" * 41, "does not look like a phone number"),
        ("+1 201 555 0123 ext. 4", "extension"),
        ("+1 201 555", "not valid"),
        ("020 7946 0000", "not valid"),  # a London number without +44 read as a US one
    ],
)
def test_anything_else_is_invalid_with_a_message_to_act_on(raw: str, says: str) -> None:
    refused = refusal(US_AND_UK, raw)

    assert refused.reason == "invalid"
    assert says in refused.message


def test_without_a_default_region_a_country_code_is_asked_for() -> None:
    policy = DialingPolicy(allowed_regions=frozenset({"US"}), default_region=None)

    refused = refusal(policy, "201 555 0123")

    assert refused.reason == "invalid"
    assert "country code" in refused.message
    assert policy.check("+12015550123") == "+12015550123"


def test_the_business_number_itself_is_refused() -> None:
    policy = DialingPolicy(
        allowed_regions=frozenset({"US"}),
        default_region="US",
        refused_numbers=frozenset({"+12015550123"}),
    )

    assert refusal(policy, "(201) 555-0123").reason == "our-number"


def test_a_policy_needs_real_regions() -> None:
    with pytest.raises(ValueError, match="USA"):
        DialingPolicy(allowed_regions=frozenset({"USA"}), default_region="US")
    with pytest.raises(ValueError, match="at least one"):
        DialingPolicy(allowed_regions=frozenset(), default_region="US")
