"""RQ job entry points: a few lines each, the work itself lives in ``ivr.services``."""
