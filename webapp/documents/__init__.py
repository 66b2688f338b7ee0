"""A case's numbered documents for the people who may see the case: printable page and PDF."""
