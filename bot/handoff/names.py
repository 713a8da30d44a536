"""Names shared by the hand-off actions, the policy, the domain and the console contract."""

HANDOFF_STATUS = "handoff_status"
AANGEVRAAGD, ACTIEF, AFGEROND = "aangevraagd", "actief", "afgerond"
HANDOFF_ID = "handoff_id"
ONDERBROKEN = "handoff_onderbroken"

# External intents the console triggers (DEVELOPERS.md) and the action that answers each.
EXTERNAL_ACTIONS = {
    "adviseur_overname": "action_handoff_overname",
    "adviseur_bericht": "action_adviseur_bericht",
    "adviseur_terug": "action_handoff_einde",
    "adviseur_afgerond": "action_handoff_einde",
    "handoff_verlopen": "action_handoff_verlopen",
}
FORWARD_ACTION = "action_handoff_doorsturen"
# After these the conversation goes back to what it was doing (an interrupted form).
RESUMING_ACTIONS = frozenset({"action_handoff_aanvragen", "action_handoff_einde", "action_handoff_verlopen"})
# After these the bot waits for the user.
LISTENING_AFTER = frozenset({FORWARD_ACTION, "action_adviseur_bericht", "action_handoff_overname"})
