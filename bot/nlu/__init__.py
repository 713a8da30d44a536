"""Dutch NLU: the sentence encoder and custom Rasa components."""
