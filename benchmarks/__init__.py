"""Benchmarks of skrnn against course-style and hand-written Keras and a peer.

Run them with ``make bench`` (or ``python -m benchmarks.run --help``). They
are not tests: nothing here is collected by pytest.
"""
