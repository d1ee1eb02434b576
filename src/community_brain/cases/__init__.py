"""The case ledger (事项台账): every problem found, from intake to closure."""
