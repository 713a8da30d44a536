"""Digiwijzer hand-off service and adviser console."""

__version__ = "1.0.0"
