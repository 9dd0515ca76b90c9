"""Speech recognition on the worker: WAV reading, voice activity, Vosk models and results.

Split by subject so each part is testable alone: ``wav`` (reading and deinterleaving, a chunk
at a time), ``activity`` (where the speech is, pure), ``results`` (Vosk's JSON to segments,
pure), ``models`` (which folder serves which language; loaded once per process), ``vosk``
(the ``Transcriber``), ``download`` (``ivr models download``).
"""
