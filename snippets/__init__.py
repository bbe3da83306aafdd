"""Runnable, tested examples for the Deep Learning Day 1 course.

One idea per module: ``neuron``, ``activations``, ``losses``, ``backprop``,
``optimizers``, ``gradient_descent``, ``parameters``, ``tiny_network``,
``workflow``, ``dl_vs_ml``, ``figures`` and ``device`` (device choice and seeding).
Pages of the site include named sections of these files, and the tests import them.
"""

__version__ = "0.1.0"
