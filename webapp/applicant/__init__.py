"""The applicant's space: applying, receipts, following one's cases, answering supplement requests."""
