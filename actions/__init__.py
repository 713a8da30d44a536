"""Digiwijzer's custom actions: thin rasa-sdk wrappers around the `bot` package."""
