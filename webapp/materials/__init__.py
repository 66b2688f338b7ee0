"""Applicants' materials: uploads, the personal library, files of a case."""
