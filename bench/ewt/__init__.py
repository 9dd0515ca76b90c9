"""``python -m bench.ewt``: the wait estimator against Asterisk's, on simulated callers.

A seeded discrete-event simulation of a multi-agent queue (``simulate``) feeds the product's
``WaitEstimator`` only the events production gives it, scores it beside Asterisk's
announce-holdtime and a known-parameter oracle on the same callers (``score``), and checks the
simulator against Erlang C and Erlang-A (``theory``). See README.md.
"""
