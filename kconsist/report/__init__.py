"""Every rendering of what kconsist found, in one package with one format registry.

A renderer turns one kind of result (:class:`~kconsist.findings.AuditResult`,
:class:`~kconsist.findings.SeriesResult`) into text; commands ask :func:`render` for a
format by name and :func:`names` for the choices of their ``--format``. The JSON forms
share one version number (:data:`JSON_VERSION`) and are a stable interface (README):
keys are only ever added. The package imports only the data types of
:mod:`kconsist.findings` and :mod:`kconsist.cond`.
"""

from __future__ import annotations

# The renderers register themselves when imported.
from kconsist.report import audit, discover, series
from kconsist.report.registry import JSON_VERSION, names, render

__all__ = ["JSON_VERSION", "audit", "discover", "names", "render", "series"]
