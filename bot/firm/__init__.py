"""The firm: size (and later location) from free Dutch text."""
