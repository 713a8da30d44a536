"""Hand-off to an adviser: contact details, the hand-off service client, and the dialogue policy."""
