"""Build Digiwijzer's Dutch spaCy pipeline and save it to disk.

No pretrained Dutch spaCy model can be downloaded here, so the pipeline starts from
`spacy.blank("nl")`: spaCy's Dutch tokenizer plus the lookup lemmatizer whose table
ships in `spacy-lookups-data`. Rasa's SpacyNLP loads it from the folder (a path, not
a package name). Usage: python scripts/build_spacy.py [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "build" / "spacy_nl"


def build(output: Path = DEFAULT_OUTPUT) -> Path:
    """Create the pipeline and write it to `output`; returns the folder."""
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "digiwijzer_nl"
    nlp.meta["description"] = "Blank Dutch tokenizer with the lookup lemmatizer (spacy-lookups-data)."
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return output


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    print(f"spaCy pipeline saved to {build(target)}")
