"""Input and output channels of our own (registered in credentials.yml by module path)."""
