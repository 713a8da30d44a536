"""What the scripted scan of the end-to-end tests answers, as the scan's slots (one place for both tests)."""

# test_rest_scan.py and test_production.py answer the seven questions with the same messages
# (free text, a button, a letter corrected to B, a number, free text).
EXPECTED_SCAN_ANSWERS = {
    "scan_tools": "A", "scan_data": "B", "scan_processen": "B", "scan_vaardigheden": "B",
    "scan_veiligheid": "B", "scan_ai": "A", "scan_strategie": "A",
}  # fmt: skip
