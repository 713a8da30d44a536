"""Linear (logistic regression) intent classifier and response selector without TensorFlow.

They replace DIET and Rasa's TensorFlow `ResponseSelector` in `config.yml`: on this
bot's data they are about as accurate (see the README's NLU figures), train in seconds
instead of minutes and answer in well under a millisecond, which the load benchmark
(`bench/load.py`) needs. Both read the sentence features the featurizers made (sparse
counts and the USE sentence vector) and fit scikit-learn's `LogisticRegression`.

    - name: bot.nlu.linear.LinearIntentClassifier
      C: 10
    - name: bot.nlu.linear.LinearResponseSelector
      retrieval_intent: faq

The response selector writes the same `response_selector` output as Rasa's, so
`utter_faq`, `rasa test nlu` and the stories work unchanged.
"""

from __future__ import annotations

import json
import logging
import warnings
from typing import Any, Dict, List, Sequence, Type

import numpy as np
import numpy.typing as npt
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key
from sklearn.linear_model import LogisticRegression

logger = logging.getLogger(__name__)

# Rasa warns at training that retrieval intents need its ResponseSelector. Here
# LinearResponseSelector serves them, so that warning is wrong. It is silenced when this
# module is imported: config.yml names the module, so Rasa imports it before it validates.
warnings.filterwarnings("ignore", message="You have defined training data with examples for training a response")

_CLASSIFIER_FILE = "classifier.skops"
_META_FILE = "meta.json"


def sentence_features(messages: Sequence[Message]) -> scipy.sparse.csr_matrix:
    """One row per message: its sparse sentence features, then its dense ones (e.g. USE)."""
    rows = []
    for message in messages:
        _, sparse = message.get_sparse_features(TEXT)
        _, dense = message.get_dense_features(TEXT)
        parts = [scipy.sparse.csr_matrix(f.features) for f in (sparse, dense) if f is not None]
        rows.append(scipy.sparse.hstack(parts) if parts else scipy.sparse.csr_matrix((1, 0)))
    return scipy.sparse.vstack(rows).tocsr()


_ROW_ATTRIBUTE = "_linear_sentence_row"  # (number of features then, row) cached on the message


def dense_sentence_features(message: Message) -> npt.NDArray[np.float64]:
    """The same row as `sentence_features` for one message, as a dense array of shape (1, n).

    At prediction time this is several times cheaper than building a sparse matrix, and a
    row of a few thousand numbers is small. The row is kept on the message, so the intent
    classifier and the response selectors after it combine the features only once; a
    feature added later makes a new row.
    """
    cached = getattr(message, _ROW_ATTRIBUTE, None)
    if cached is not None and cached[0] == len(message.features):
        return cached[1]
    # The parts in the order Rasa's `get_sparse_features` / `get_dense_features` combine
    # them (the order of `message.features`), without building the combined sequence
    # features as well, which those also do.
    sentence = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
    parts = [f.features.toarray() for f in sentence if f.is_sparse()]
    parts += [np.asarray(f.features) for f in sentence if f.is_dense()]
    row = np.hstack(parts).reshape(1, -1) if parts else np.zeros((1, 0))
    setattr(message, _ROW_ATTRIBUTE, (len(message.features), row))
    return row


class _LinearComponent(GraphComponent):
    """What both components share: the config, the classifier, persisting and loading."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        # A short ranking: it is stored with every user message and sent to the action server
        # with every tracker; nothing reads past the first two (FallbackClassifier's ambiguity).
        return {"C": 10.0, "max_iter": 2000, "ranking_length": 3, "random_state": 42}

    @staticmethod
    def required_packages() -> List[str]:
        """Packages needed to run this component."""
        return ["sklearn", "skops"]

    @classmethod
    def required_components(cls) -> List[Type[Any]]:
        """Components that must come before this one in the pipeline."""
        return [Featurizer]

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classifier: LogisticRegression | None = None,
        meta: Dict[str, Any] | None = None,
    ) -> None:
        """Creates the component; `classifier` and `meta` are set when it was trained."""
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.classifier = classifier
        self.meta: Dict[str, Any] = meta or {}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _LinearComponent:
        """Creates an untrained component (see parent class for full docstring)."""
        return cls(config, model_storage, resource)

    def _fit(self, examples: List[Message], labels: List[str]) -> None:
        if len(set(labels)) < 2:
            logger.warning(f"{type(self).__name__}: fewer than two labels to learn; nothing trained.")
            return
        self.classifier = LogisticRegression(
            C=float(self.config["C"]),
            max_iter=int(self.config["max_iter"]),
            class_weight="balanced",
            random_state=self.config["random_state"],
        )
        self.classifier.fit(sentence_features(examples), labels)

    def _ranking(self, messages: List[Message]) -> List[List[tuple[str, float]]]:
        """Per message, (label, probability) pairs from likeliest to least likely."""
        if self.classifier is None or not messages:
            return [[] for _ in messages]
        features = np.vstack([dense_sentence_features(m) for m in messages])
        probabilities = self.classifier.predict_proba(features)
        labels = [str(label) for label in self.classifier.classes_]
        return [sorted(zip(labels, map(float, row)), key=lambda pair: -pair[1]) for row in probabilities]

    def persist(self) -> None:
        """Writes the classifier and the component's metadata to its model storage."""
        import skops.io

        with self._model_storage.write_to(self._resource) as directory:
            if self.classifier is not None:
                skops.io.dump(self.classifier, directory / _CLASSIFIER_FILE)
            (directory / _META_FILE).write_text(json.dumps(self.meta), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> _LinearComponent:
        """Loads a trained component (see parent class for full docstring)."""
        import skops.io

        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((directory / _META_FILE).read_text(encoding="utf-8"))
                path = directory / _CLASSIFIER_FILE
                classifier = None
                if path.exists():
                    classifier = skops.io.load(path, trusted=skops.io.get_untrusted_types(file=path))
        except ValueError:  # nothing persisted: the component was never trained
            logger.debug(f"{cls.__name__}: no trained model in {resource.name}; using an untrained one.")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, classifier, meta)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(_LinearComponent, IntentClassifier):
    """Classifies the intent of a message with logistic regression over its sentence features."""

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the classifier on every example that has an intent and a text."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        self._fit(examples, [e.get(INTENT) for e in examples])
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets `intent` and `intent_ranking` on each message, like Rasa's classifiers."""
        for message, ranking in zip(messages, self._ranking(messages)):
            if not ranking:
                continue
            top = ranking[: int(self.config["ranking_length"]) or None]
            message.set(INTENT, {"name": top[0][0], "confidence": top[0][1]}, add_to_output=True)
            message.set("intent_ranking", [{"name": name, "confidence": p} for name, p in top], add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearResponseSelector(_LinearComponent):
    """Chooses the answer of one retrieval intent (e.g. `faq/wat_kost_het`) with logistic regression."""

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        """Refuses a config without `retrieval_intent`: one selector serves one retrieval intent."""
        if not config.get("retrieval_intent"):
            raise ValueError(f"config.yml: {cls.__name__} needs `retrieval_intent` (e.g. faq)")

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the selector on the examples of its retrieval intent; keeps their responses."""
        intent = self.config["retrieval_intent"]
        examples = [e for e in training_data.intent_examples if e.get(INTENT) == intent and e.get(TEXT)]
        keys = [e.get(INTENT_RESPONSE_KEY) for e in examples]
        self.meta = {
            "all_retrieval_intents": sorted(training_data.retrieval_intents),
            "responses": {
                key: training_data.responses.get(intent_response_key_to_template_key(key), [])
                for key in sorted(set(keys))
            },
        }
        self._fit(examples, keys)
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds this retrieval intent's choice under `response_selector`, in Rasa's format."""
        intent = self.config["retrieval_intent"]
        for message, ranking in zip(messages, self._ranking(messages)):
            if not ranking:
                continue
            key, confidence = ranking[0]
            prediction = {
                "response": {
                    "responses": self.meta["responses"].get(key) or [{TEXT: key}],
                    "confidence": confidence,
                    INTENT_RESPONSE_KEY: key,
                    "utter_action": intent_response_key_to_template_key(key),
                },
                "ranking": [
                    {"confidence": p, INTENT_RESPONSE_KEY: name}
                    for name, p in ranking[: int(self.config["ranking_length"]) or None]
                ],
            }
            selector = dict(message.get("response_selector") or {})
            selector["all_retrieval_intents"] = self.meta["all_retrieval_intents"]
            selector[intent] = prediction
            message.set("response_selector", selector, add_to_output=True)
        return messages
