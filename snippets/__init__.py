"""Runnable, tested examples for the Deep Learning Day 1 course.

One idea per module, whose docstring opens with that idea in one line. Pages of the site include
named sections of these files, ``tests/test_<module>.py`` tests each one, and
``python -m snippets`` runs the examples from the command line.
"""

__version__ = "0.1.0"
