"""Quotas per area, candidate ranking, awards and their workflow (proposed → approved
→ disbursed), conflict checks, hand-out lists. Models arrive with the allocation issue."""
