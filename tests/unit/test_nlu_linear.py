"""Tests for bot/nlu/linear.py: the TensorFlow-free intent classifier and response selector."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear import LinearIntentClassifier, LinearResponseSelector, dense_sentence_features, sentence_features

# Three "words" as sparse counts and a two-number dense vector: enough to tell the labels apart.
VOCAB = ["hallo", "kosten", "duur"]


def message(text: str, **data: str) -> Message:
    m = Message(data={TEXT: text, **data})
    counts = [[text.split().count(w) for w in VOCAB]]
    m.add_features(Features(scipy.sparse.coo_matrix(counts), FEATURE_TYPE_SENTENCE, TEXT, "counts"))
    dense = [[float("kosten" in text), float("duur" in text)]]
    m.add_features(Features(np.array(dense), FEATURE_TYPE_SENTENCE, TEXT, "use"))
    return m


def training_data() -> TrainingData:
    examples = []
    for i in range(6):
        examples.append(message(f"hallo daar {i}", intent="greet"))
        examples.append(message(f"wat zijn de kosten {i}", intent="faq", intent_response_key="faq/kosten"))
        examples.append(message(f"hoe lang duur het {i}", intent="faq", intent_response_key="faq/duur"))
    responses = {"utter_faq/kosten": [{"text": "De scan is gratis."}], "utter_faq/duur": [{"text": "Vijf minuten."}]}
    return TrainingData(training_examples=examples, responses=responses)


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def test_dense_row_is_the_sparse_row() -> None:
    m = message("hallo wat zijn de kosten")
    assert np.array_equal(dense_sentence_features(m), sentence_features([m]).toarray())
    assert dense_sentence_features(m).shape == (1, len(VOCAB) + 2)


def test_dense_row_matches_rasa_s_combination_with_several_featurizers() -> None:
    # As in the real pipeline: several sparse featurizers, sequence features, dense features
    # between sparse ones, and features of another attribute. Only the text's sentence
    # features count, sparse ones first, each kind in the order they were added.
    m = message("hallo wat kosten de kosten")
    m.add_features(Features(scipy.sparse.coo_matrix([[1, 0], [0, 2]]), FEATURE_TYPE_SEQUENCE, TEXT, "chars"))
    m.add_features(Features(scipy.sparse.coo_matrix([[7.0, 0.0, 3.0]]), FEATURE_TYPE_SENTENCE, TEXT, "chars"))
    m.add_features(Features(np.array([[0.25]]), FEATURE_TYPE_SENTENCE, TEXT, "extra"))
    m.add_features(Features(scipy.sparse.coo_matrix([[9.0]]), FEATURE_TYPE_SENTENCE, "response", "counts"))
    expected = sentence_features([m]).toarray()
    assert expected.shape == (1, len(VOCAB) + 3 + 2 + 1)
    assert np.array_equal(dense_sentence_features(m), expected)


def test_intent_classifier_trains_persists_loads_and_ranks(storage: LocalModelStorage) -> None:
    resource = Resource("intents")
    trained = LinearIntentClassifier.create({"ranking_length": 2}, storage, resource, context())
    trained.train(training_data())
    loaded = LinearIntentClassifier.load({"ranking_length": 2}, storage, resource, context())

    greet, faq = message("hallo"), message("wat kosten dat")
    loaded.process([greet, faq])

    assert greet.get(INTENT)["name"] == "greet"
    assert faq.get(INTENT)["name"] == "faq"
    ranking = faq.get("intent_ranking")
    assert [r["name"] for r in ranking] == ["faq", "greet"]
    assert ranking[0]["confidence"] > 0.5 > ranking[1]["confidence"]
    assert faq.get(INTENT)["confidence"] == ranking[0]["confidence"]


def test_response_selector_writes_rasas_format_next_to_other_selectors(storage: LocalModelStorage) -> None:
    resource = Resource("faq")
    config = {"retrieval_intent": "faq"}
    LinearResponseSelector.create(config, storage, resource, context()).train(training_data())
    selector = LinearResponseSelector.load(config, storage, resource, context())

    m = message("hoe duur is het")
    m.set("response_selector", {"chitchat": {"response": {"utter_action": "utter_chitchat/x"}}}, add_to_output=True)
    selector.process([m])

    out = m.get("response_selector")
    assert out["all_retrieval_intents"] == ["faq"]
    assert out["chitchat"] == {"response": {"utter_action": "utter_chitchat/x"}}  # kept
    response = out["faq"]["response"]
    assert response[INTENT_RESPONSE_KEY] == "faq/duur"
    assert response["utter_action"] == "utter_faq/duur"
    assert response["responses"] == [{"text": "Vijf minuten."}]
    assert [r[INTENT_RESPONSE_KEY] for r in out["faq"]["ranking"]] == ["faq/duur", "faq/kosten"]
    assert out["faq"]["ranking"][0]["confidence"] == response["confidence"] > 0.5


def test_response_selector_needs_a_retrieval_intent() -> None:
    with pytest.raises(ValueError, match="config.yml: LinearResponseSelector needs `retrieval_intent`"):
        LinearResponseSelector.validate_config({"C": 1})


def test_never_trained_component_leaves_messages_alone(storage: LocalModelStorage) -> None:
    classifier = LinearIntentClassifier.load({}, storage, Resource("never_trained"), context())
    m = message("hallo")
    classifier.process([m])
    assert m.get(INTENT) is None


def test_one_label_is_not_trained(storage: LocalModelStorage) -> None:
    data = TrainingData(training_examples=[message("hallo", intent="greet"), message("hallo daar", intent="greet")])
    classifier = LinearIntentClassifier.create({}, storage, Resource("one"), context())
    classifier.train(data)
    assert classifier.classifier is None


def test_dense_row_is_made_once_per_message_and_again_after_a_new_feature() -> None:
    m = message("wat zijn de kosten")
    first = dense_sentence_features(m)
    assert dense_sentence_features(m) is first  # the next component reuses it
    m.add_features(Features(np.array([[5.0]]), FEATURE_TYPE_SENTENCE, TEXT, "late"))
    again = dense_sentence_features(m)
    assert again.shape == (1, first.shape[1] + 1) and again[0, -1] == 5.0
