"""Estimated waits: what we predict for a caller in line, and how we say it.

``estimator`` learns a queue's handle time and patience from its events and predicts the wait
for a position in line (mean and P90); ``spoken`` turns that into words a caller hears, with
the seconds each phrase claims, so every spoken estimate can be checked against the wait that
followed.
"""

from ivr.core.waits.estimator import Prior, WaitEstimate, WaitEstimator
from ivr.core.waits.spoken import CallbackPromise, SpokenWait, callback_promise, spoken_wait

__all__ = [
    "CallbackPromise",
    "Prior",
    "SpokenWait",
    "WaitEstimate",
    "WaitEstimator",
    "callback_promise",
    "spoken_wait",
]
