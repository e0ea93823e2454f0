"""Sponsors, funds and their ledgers, donations, programmes and scholarships with
eligibility rules (see ARCHITECTURE.md). Models arrive with the sponsor issue."""
