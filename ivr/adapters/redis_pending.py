"""``PendingRequests`` on Redis: one click-to-call request per number, by ``SET NX EX``.

The claim is a key per number holding who has it (a request id while the call is being placed,
then the call's CallSid), with a time to live so that a claim whose call never reports its end
cannot block the number for ever. Changing or dropping it checks the holder first, in one Lua
script, so a late release never drops the next request's claim.
"""

from __future__ import annotations

from redis import Redis

KEY = "ivr:click-to-call:pending:{number}"

# KEYS[1] the claim; ARGV[1] the expected holder; ARGV[2] the new holder; ARGV[3] TTL seconds.
_HAND_OVER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
    return 1
end
return 0
"""
# KEYS[1] the claim; ARGV[1] the expected holder.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


class RedisPendingRequests:
    def __init__(self, redis: Redis, *, ttl_seconds: int) -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        self._hand_over = redis.register_script(_HAND_OVER)
        self._release = redis.register_script(_RELEASE)

    def claim(self, number: str, holder: str) -> str | None:
        key = KEY.format(number=number)
        if self._redis.set(key, holder, nx=True, ex=self._ttl):
            return None
        current = self._redis.get(key)
        return current.decode() if current is not None else ""

    def hand_over(self, number: str, holder: str, new_holder: str) -> bool:
        key = KEY.format(number=number)
        return bool(self._hand_over(keys=[key], args=[holder, new_holder, self._ttl]))

    def release(self, number: str, holder: str) -> bool:
        return bool(self._release(keys=[KEY.format(number=number)], args=[holder]))
