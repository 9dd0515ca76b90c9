"""The domain core: call flows, callers, customers and calls.

Nothing here imports Flask, HTTP clients, Redis or SQLAlchemy. Adapters (``ivr.adapters``) and
the web layer (``ivr.web``) depend on the core, never the other way round.
"""
