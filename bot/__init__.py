"""Digiwijzer: the Dutch zelfscan assistant for mkb firms."""
