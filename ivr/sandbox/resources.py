"""REST representations: the engine's records as Twilio's 2010-04-01 JSON, field for field.

Fields the sandbox has no value for (prices, trunks) are present and null, as Twilio returns
them before they are known, so that the helper library's instances are fully populated.
"""

from __future__ import annotations

from typing import Any

from ivr.sandbox.call import Call
from ivr.sandbox.defaults import API_VERSION
from ivr.sandbox.engine import Engine
from ivr.sandbox.ids import rfc2822
from ivr.sandbox.models import Member, Notification, PhoneNumber, Queue, Recording

PREFIX = "/2010-04-01/Accounts/{account}"


def _base(engine: Engine) -> str:
    return PREFIX.format(account=engine.account_sid)


def call_json(engine: Engine, call: Call) -> dict[str, Any]:
    uri = f"{_base(engine)}/Calls/{call.sid}"
    finished = call.is_final
    duration = None
    if finished:
        duration = str(call.duration_seconds(engine.clock.seconds())) if call.answered_at else None
    return {
        "sid": call.sid,
        "date_created": rfc2822(call.created_at),
        "date_updated": rfc2822(call.ended_at or call.answered_at or call.created_at),
        "parent_call_sid": call.parent_sid,
        "account_sid": call.account_sid,
        "to": call.to,
        "to_formatted": call.to,
        "from": call.from_,
        "from_formatted": call.from_,
        "phone_number_sid": call.phone_number_sid,
        "status": str(call.status),
        "start_time": rfc2822(call.started_at),
        "end_time": rfc2822(call.ended_at),
        "duration": duration,
        "price": None,
        "price_unit": "USD",
        "direction": call.direction,
        "answered_by": call.answered_by,
        "annotation": None,
        "api_version": API_VERSION,
        "forwarded_from": None,
        "group_sid": None,
        "caller_name": None,
        "queue_time": "0",
        "trunk_sid": None,
        "uri": uri + ".json",
        "subresource_uris": {
            "notifications": f"{uri}/Notifications.json",
            "recordings": f"{uri}/Recordings.json",
            "events": f"{uri}/Events.json",
        },
    }


def queue_json(engine: Engine, queue: Queue) -> dict[str, Any]:
    now = engine.clock.seconds()
    waits = [now - m.enqueued_at_seconds for m in queue.members]
    return {
        "sid": queue.sid,
        "account_sid": engine.account_sid,
        "friendly_name": queue.friendly_name,
        "current_size": len(queue.members),
        "max_size": queue.max_size,
        "average_wait_time": int(sum(waits) / len(waits)) if waits else 0,
        "date_created": rfc2822(queue.created_at),
        "date_updated": rfc2822(queue.updated_at),
        "uri": f"{_base(engine)}/Queues/{queue.sid}.json",
    }


def member_json(engine: Engine, queue: Queue, member: Member, position: int | None = None) -> dict:
    return {
        "call_sid": member.call_sid,
        "queue_sid": queue.sid,
        "date_enqueued": rfc2822(member.enqueued_at),
        "position": position if position is not None else (queue.position(member.call_sid) or 0),
        "wait_time": int(engine.clock.seconds() - member.enqueued_at_seconds),
        "uri": f"{_base(engine)}/Queues/{queue.sid}/Members/{member.call_sid}.json",
    }


def recording_json(engine: Engine, recording: Recording) -> dict[str, Any]:
    uri = f"{_base(engine)}/Recordings/{recording.sid}"
    return {
        "sid": recording.sid,
        "account_sid": engine.account_sid,
        "api_version": API_VERSION,
        "call_sid": recording.call_sid,
        "conference_sid": None,
        "date_created": rfc2822(recording.created_at),
        "date_updated": rfc2822(recording.created_at),
        "start_time": rfc2822(recording.started_at),
        "duration": str(recording.duration_seconds),
        "price": None,
        "price_unit": "USD",
        "status": recording.status,
        "channels": recording.channels,
        "source": recording.source,
        "error_code": None,
        "encryption_details": None,
        "media_url": engine.recording_url(recording.sid),
        "uri": uri + ".json",
        "subresource_uris": {
            "add_on_results": f"{uri}/AddOnResults.json",
            "transcriptions": f"{uri}/Transcriptions.json",
        },
    }


def number_json(engine: Engine, number: PhoneNumber) -> dict[str, Any]:
    return {
        "sid": number.sid,
        "account_sid": engine.account_sid,
        "friendly_name": number.friendly_name or number.phone_number,
        "phone_number": number.phone_number,
        "voice_url": number.voice_url,
        "voice_method": number.voice_method,
        "voice_fallback_url": number.voice_fallback_url,
        "voice_fallback_method": number.voice_fallback_method,
        "voice_caller_id_lookup": False,
        "voice_application_sid": None,
        "status_callback": number.status_callback,
        "status_callback_method": number.status_callback_method,
        "sms_url": None,
        "sms_method": "POST",
        "sms_fallback_url": None,
        "sms_fallback_method": "POST",
        "sms_application_sid": None,
        "api_version": API_VERSION,
        "capabilities": {"voice": True, "sms": False, "mms": False, "fax": False},
        "beta": False,
        "origin": "twilio",
        "status": "in-use",
        "trunk_sid": None,
        "emergency_status": "Inactive",
        "voice_receive_mode": "voice",
        "date_created": rfc2822(number.created_at),
        "date_updated": rfc2822(number.updated_at),
        "uri": f"{_base(engine)}/IncomingPhoneNumbers/{number.sid}.json",
    }


def notification_json(engine: Engine, entry: Notification) -> dict[str, Any]:
    return {
        "sid": entry.sid,
        "account_sid": engine.account_sid,
        "call_sid": entry.call_sid,
        "api_version": API_VERSION,
        "error_code": str(entry.error_code),
        "log": "0" if entry.level == "error" else "1",
        "message_text": entry.message,
        "message_date": rfc2822(entry.at),
        "more_info": entry.more_info,
        "request_url": entry.request_url,
        "date_created": rfc2822(entry.at),
        "uri": f"{_base(engine)}/Notifications/{entry.sid}.json",
    }


def page(
    engine: Engine, key: str, items: list[dict[str, Any]], path: str, args: dict[str, str]
) -> dict[str, Any]:
    """A list response with Twilio's paging fields (``PageSize``, ``Page``)."""
    try:
        size = max(1, min(1000, int(args.get("PageSize", 50))))
        number = max(0, int(args.get("Page", 0)))
    except ValueError:
        size, number = 50, 0
    start = number * size
    chunk = items[start : start + size]

    def uri(page_number: int) -> str:
        return f"{path}?PageSize={size}&Page={page_number}"

    return {
        key: chunk,
        "start": start,
        "end": start + max(0, len(chunk) - 1),
        "page": number,
        "page_size": size,
        "uri": uri(number),
        "first_page_uri": uri(0),
        "next_page_uri": uri(number + 1) if start + size < len(items) else None,
        "previous_page_uri": uri(number - 1) if number > 0 else None,
    }
