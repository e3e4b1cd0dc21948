"""The phone line on a LiveKit server: its inbound trunk and dispatch rules, set up by API.

One inbound trunk carries the numbers in :class:`~recruiter_config.settings.PhoneSettings`
from the allowed addresses. Each number has a dispatch rule that puts every call in a room of
its own (``SIPDispatchRuleIndividual``) and dispatches the recruiter agent by name with a
:class:`CallLine` as the job's metadata: the interview line asks for an invitation's code, the
practice line runs the practice role. Setting up again replaces what an earlier set-up made
(found by name), so it is safe to repeat; :func:`read_phone_line` shows what is there now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from livekit import api
from pydantic import BaseModel, Field

from recruiter_config.settings import LiveKitSettings, PhoneSettings

__all__ = [
    "TRUNK_NAME",
    "CallLine",
    "DispatchRuleState",
    "PhoneLine",
    "PhoneLineState",
    "read_call_line",
    "read_phone_line",
    "remove_phone_line",
    "set_up_phone_line",
]

TRUNK_NAME = "virtual-recruiter"
_RULE_PREFIX = "virtual-recruiter "


class CallLine(BaseModel):
    """Which line a call came in on; the dispatch rule's job metadata for the agent."""

    phone_line: Literal["interview", "practice"]
    practice_role: str | None = Field(default=None, min_length=1)  # the practice line's role


def read_call_line(metadata: str | None) -> CallLine | None:
    """The line a job's metadata names, or None when it is not a phone call's."""
    if not metadata or '"phone_line"' not in metadata:
        return None
    return CallLine.model_validate_json(metadata)


@dataclass(frozen=True)
class PhoneLine:
    """What set-up made: the trunk, and the dispatch rule of each number."""

    trunk_id: str
    rules: dict[str, str]  # number -> dispatch rule id
    numbers: tuple[str, ...]


def _lines(phone: PhoneSettings) -> dict[str, CallLine]:
    lines = {phone.interview_number: CallLine(phone_line="interview")}
    if phone.practice_number:
        lines[phone.practice_number] = CallLine(
            phone_line="practice", practice_role=phone.practice_role
        )
    return lines


@dataclass(frozen=True)
class DispatchRuleState:
    """One dispatch rule an earlier set-up made, as the server holds it."""

    rule_id: str
    numbers: tuple[str, ...]
    line: CallLine | None  # None: its job metadata is not a call line's
    agent_name: str | None  # the agent it dispatches


@dataclass(frozen=True)
class PhoneLineState:
    """The phone line on the server now: no trunk (``trunk_id`` None) means not set up."""

    trunk_id: str | None
    numbers: tuple[str, ...]
    allowed_addresses: tuple[str, ...]
    rules: tuple[DispatchRuleState, ...]


def _client(livekit: LiveKitSettings) -> api.LiveKitAPI:
    return api.LiveKitAPI(livekit.url, livekit.api_key, livekit.api_secret)


async def read_phone_line(livekit: LiveKitSettings) -> PhoneLineState:
    """The trunk and dispatch rules that set-up made, as the server holds them now.

    Raises:
        livekit.api.TwirpError: the server refused (no SIP service configured on it).
        OSError: the server is unreachable (aiohttp's connection errors are OSErrors).
    """
    async with _client(livekit) as lk:
        trunks = (await lk.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest())).items
        rules = (await lk.sip.list_dispatch_rule(api.ListSIPDispatchRuleRequest())).items
    trunk = next((x for x in trunks if x.name == TRUNK_NAME), None)
    found = []
    for rule in rules:
        if not rule.name.startswith(_RULE_PREFIX):
            continue
        agents = list(rule.room_config.agents)
        line = read_call_line(agents[0].metadata) if agents else None
        found.append(DispatchRuleState(rule.sip_dispatch_rule_id, tuple(rule.numbers), line,
                                       agents[0].agent_name if agents else None))  # fmt: skip
    if trunk is None:
        return PhoneLineState(None, (), (), tuple(found))
    return PhoneLineState(trunk.sip_trunk_id, tuple(trunk.numbers),
                          tuple(trunk.allowed_addresses), tuple(found))  # fmt: skip


async def _remove(lk: api.LiveKitAPI) -> int:
    removed = 0
    rules = await lk.sip.list_dispatch_rule(api.ListSIPDispatchRuleRequest())
    for rule in rules.items:
        if rule.name.startswith(_RULE_PREFIX):
            await lk.sip.delete_dispatch_rule(
                api.DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=rule.sip_dispatch_rule_id)
            )
            removed += 1
    trunks = await lk.sip.list_inbound_trunk(api.ListSIPInboundTrunkRequest())
    for trunk in trunks.items:
        if trunk.name == TRUNK_NAME:
            await lk.sip.delete_trunk(api.DeleteSIPTrunkRequest(sip_trunk_id=trunk.sip_trunk_id))
            removed += 1
    return removed


async def remove_phone_line(livekit: LiveKitSettings) -> int:
    """Delete the trunk and dispatch rules an earlier set-up made; returns how many.

    Raises:
        livekit.api.TwirpError: the server refused (no SIP service configured on it).
        OSError: the server is unreachable.
    """
    async with _client(livekit) as lk:
        return await _remove(lk)


async def set_up_phone_line(
    livekit: LiveKitSettings, phone: PhoneSettings, *, agent_name: str, room_prefix: str = "call"
) -> PhoneLine:
    """Create (or re-create) the inbound trunk and one dispatch rule per number.

    Each call gets its own room named ``<room_prefix>_<caller>_<random>``, and the agent
    ``agent_name`` is dispatched into it with the number's :class:`CallLine`.

    Raises:
        livekit.api.TwirpError: the server refused (no SIP service configured on it, or a
            number already taken by another trunk); its message says which.
        OSError: the server is unreachable.
    """
    lines = _lines(phone)
    async with _client(livekit) as lk:
        await _remove(lk)
        trunk = await lk.sip.create_inbound_trunk(
            api.CreateSIPInboundTrunkRequest(
                trunk=api.SIPInboundTrunkInfo(
                    name=TRUNK_NAME,
                    numbers=list(lines),
                    allowed_addresses=list(phone.allowed_addresses),
                )
            )
        )
        rules: dict[str, str] = {}
        for number, line in lines.items():
            dispatch = api.RoomAgentDispatch(agent_name=agent_name, metadata=line.model_dump_json())
            rule = await lk.sip.create_dispatch_rule(
                api.CreateSIPDispatchRuleRequest(
                    dispatch_rule=api.SIPDispatchRuleInfo(
                        name=f"{_RULE_PREFIX}{line.phone_line} {number}",
                        trunk_ids=[trunk.sip_trunk_id],  # livekit/sip#460: always scoped
                        numbers=[number],
                        # The caller's number is personal data: kept out of the room's name
                        # (last 4 digits only), the caller's identity (hashed) and attributes.
                        hide_phone_number=True,
                        rule=api.SIPDispatchRule(
                            dispatch_rule_individual=api.SIPDispatchRuleIndividual(
                                room_prefix=room_prefix
                            )
                        ),
                        room_config=api.RoomConfiguration(agents=[dispatch]),
                    )
                )
            )
            rules[number] = rule.sip_dispatch_rule_id
    return PhoneLine(trunk.sip_trunk_id, rules, tuple(lines))
