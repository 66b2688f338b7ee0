"""Administration: items, their versions and drafts, moving running cases to a new version, the process
modeler, the form designer, exports for desktop modelers, the working-day calendar, departments and people,
portal content. Every URL is in blueprint.py; the rules live in engine/ (definition, version_migration,
form_design, calendar_admin, people, content_admin) and engine/permissions.py."""
