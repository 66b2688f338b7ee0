"""Administration: items, their versions and drafts, the process modeler, the form designer, exports for
desktop modelers, the working-day calendar, departments and people. Every URL is in blueprint.py; the
rules live in engine/ (definition, form_design, calendar_admin, people) and engine/permissions.py."""
