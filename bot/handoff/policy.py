"""HandoffPolicy: while an adviser has the conversation, the bot is silent.

Rasa's `ConversationPaused` would skip every action, so the adviser would never see
the user's messages live. Instead this policy, ranked above the others, predicts:

- for an external intent from the console (`adviseur_overname`, `adviseur_bericht`,
  `adviseur_terug`, `adviseur_afgerond`, `handoff_verlopen`) the action that answers it;
- while `handoff_status` is `actief`, `action_handoff_doorsturen` for every user message
  (it passes the message to the console and says nothing), then `action_listen`;
- after a hand-off request or its end, the form the request interrupted (so an
  interrupted scan goes on), or the still-active form, or `action_listen`.

Otherwise it predicts nothing and the other policies decide.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.names import (
    ACTIEF,
    EXTERNAL_ACTIONS,
    FORWARD_ACTION,
    HANDOFF_STATUS,
    LISTENING_AFTER,
    ONDERBROKEN,
    RESUMING_ACTIONS,
)


def next_action(tracker: DialogueStateTracker) -> str | None:
    """The action the hand-off dialogue requires next, or None when it has no say."""
    latest = tracker.latest_action_name
    if latest == ACTION_LISTEN_NAME:
        intent = tracker.latest_message.intent.get("name") if tracker.latest_message else None
        if intent in EXTERNAL_ACTIONS:
            return EXTERNAL_ACTIONS[intent]
        if tracker.get_slot(HANDOFF_STATUS) == ACTIEF and tracker.latest_message and tracker.latest_message.text:
            return FORWARD_ACTION
        return None
    if latest in LISTENING_AFTER:
        return ACTION_LISTEN_NAME
    if latest in RESUMING_ACTIONS:
        interrupted = tracker.get_slot(ONDERBROKEN)
        if tracker.active_loop_name:
            return tracker.active_loop_name
        if isinstance(interrupted, str) and interrupted:
            return interrupted
        return ACTION_LISTEN_NAME
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class HandoffPolicy(Policy):
    """Deterministic hand-off dialogue; see the module docstring."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Ranked above RulePolicy (6) so it wins while an adviser has the conversation."""
        return {"priority": 7}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """Nothing to learn: the behaviour is fixed."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Certainty for the hand-off's next action, or no prediction at all."""
        probabilities = self._default_predictions(domain)
        action = next_action(tracker)
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, is_no_user_prediction=True)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> HandoffPolicy:
        """Nothing was persisted; a new policy is the trained one."""
        return cls(config, model_storage, resource, execution_context)
