"""The zelfscan: content, scoring and answer mapping."""
