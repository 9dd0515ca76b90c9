"""The agent console's use case: what one agent's screen shows now.

Which caller is in front of an agent is the line's to say, not the records': while an agent is
reserved or on a call their hash in Redis names the entry (a caller's CallSid, or ``cb-<id>``
for a callback, whose live call is the attempt's outbound leg). Once the call is over the
hash names nothing, and the console shows the last call the agent took instead, so they can
finish its notes and disposition in wrap-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ivr.adapters.redis_line import RedisWaitingLine
from ivr.adapters.sql.console import SqlAgentConsole
from ivr.core.callbacks import callback_id_of
from ivr.core.console import AgentConsoleView, CallPhase, LiveAgentState, phase_of
from ivr.core.directory import AgentDirectory
from ivr.core.ports import Clock

LAST_CALL_HOURS = 12
"""An agent's last call stays on their console for a shift, not for ever."""


@dataclass
class AgentConsole:
    line: RedisWaitingLine
    reads: SqlAgentConsole
    directory: AgentDirectory
    clock: Clock
    sticky_days: int = 7

    def view(self, agent_id: int) -> AgentConsoleView | None:
        """None for an agent the directory does not have."""
        agent = self.directory.get(agent_id)
        if agent is None:
            return None
        now = self.clock.now()
        live = self.line.agent_state(agent_id)
        call_sid, phase = self.call_in_front(agent_id, live)
        pop = self.reads.screen_pop(call_sid, phase=phase, now=now) if call_sid else None
        sticky_since = now - timedelta(days=self.sticky_days) if self.sticky_days else None
        return AgentConsoleView(
            agent_id=agent.id,
            agent_name=agent.name,
            dial_target=agent.phone or (f"client:{agent.client}" if agent.client else None),
            live=live,
            call=pop,
            callbacks_due=tuple(self.reads.callbacks_due(agent_id, sticky_since=sticky_since)),
        )

    def call_in_front(
        self, agent_id: int, live: LiveAgentState | None
    ) -> tuple[str | None, CallPhase]:
        """The call the agent is offered or on (its CallSid and phase), else their last one."""
        phase = phase_of(live.state) if live else None
        if live is not None and phase is not None and live.entry_id:
            sid = self._live_call(live.entry_id)
            if sid is not None:
                return sid, phase
        since = self.clock.now() - timedelta(hours=LAST_CALL_HOURS)
        return self.reads.last_call_of(agent_id, since=since), CallPhase.ENDED

    def _live_call(self, entry_id: str) -> str | None:
        callback_id = callback_id_of(entry_id)
        if callback_id is None:
            return entry_id  # a caller's entry is their CallSid
        entry = self.line.entry(entry_id)
        if entry is not None and entry.leg:
            return entry.leg
        return self.reads.callback_leg(callback_id)
