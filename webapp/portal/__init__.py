"""Public pages: the item catalogue and guides, and the case status lookup."""
