"""Benchmarks, run by ``make bench``. Each prints ``BENCH <name> <value> <unit>`` and, where it
has one, `` ratio=<value/baseline>`` against a baseline measured in the same run.

They run on a database of their own (``var/bench.sqlite3``, or ``<name>_bench`` on the server
named by DATABASE_URL), never on the demo's.
"""
