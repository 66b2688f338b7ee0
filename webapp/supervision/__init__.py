"""Supervision (效能监察): warning and overdue cases. A placeholder until the supervision issues land."""
