"""Every URL of administration: items, their versions and moving running cases onto them, drafts and the modeler,
calendar, people, content."""
from flask import Blueprint

from . import calendar as cal
from . import content as c
from . import drafts as d
from . import exports as x
from . import form_designer as f
from . import guide_form as g
from . import items as i
from . import modeler as m
from . import new_item as n
from . import people as p
from . import version_moves as v

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Items and their published versions.
bp.add_url_rule("/", "items", i.items)
bp.add_url_rule("/items/new", "new_item", n.new)
bp.add_url_rule("/items/new", "create_item", n.create, methods=["POST"])
bp.add_url_rule("/items/<code>", "item", i.item)
bp.add_url_rule("/items/<code>/retire", "retire", i.retire, methods=["POST"])
bp.add_url_rule("/items/<code>/reinstate", "reinstate", i.reinstate, methods=["POST"])
bp.add_url_rule("/items/<code>/compare", "compare", i.compare)
bp.add_url_rule("/items/<code>/versions/<int:version_no>/moves", "case_moves", v.verdicts)
bp.add_url_rule("/items/<code>/versions/<int:version_no>/moves", "move_cases", v.move, methods=["POST"])

# The draft bundle: guide and forms, live check, publishing.
bp.add_url_rule("/items/<code>/draft/start", "start_draft", d.start, methods=["POST"])
bp.add_url_rule("/items/<code>/draft", "draft", d.edit)
bp.add_url_rule("/items/<code>/draft/save", "save_draft", d.save, methods=["POST"])
bp.add_url_rule("/items/<code>/draft/check", "check_draft", d.check, methods=["POST"])
bp.add_url_rule("/items/<code>/draft/publish", "publish_draft", d.publish, methods=["POST"])
bp.add_url_rule("/items/<code>/draft/discard", "discard_draft", d.discard, methods=["POST"])
bp.add_url_rule("/items/<code>/draft/changes", "draft_changes", i.draft_changes)

# The process modeler on the draft's diagram.
bp.add_url_rule("/items/<code>/modeler", "modeler", m.modeler)
bp.add_url_rule("/items/<code>/draft/diagram", "save_diagram", m.save_diagram, methods=["POST"])
bp.add_url_rule("/items/<code>/draft/diagram.bpmn", "export_diagram", m.export_diagram)
bp.add_url_rule("/items/<code>/draft/diagram/import", "import_diagram", m.import_diagram, methods=["POST"])
bp.add_url_rule("/items/<code>/draft/element", "element_settings", m.element_settings, methods=["POST"])

# The working-day calendar (system administrators).
bp.add_url_rule("/calendar", "calendar", cal.calendar)
bp.add_url_rule("/calendar/days", "set_calendar_day", cal.set_day, methods=["POST"])
bp.add_url_rule("/calendar/schedule", "set_calendar_schedule", cal.set_schedule, methods=["POST"])

# Departments and people (administrators; a department administrator for their own staff).
bp.add_url_rule("/people", "people", p.index)
bp.add_url_rule("/people/new", "create_person", p.create, methods=["POST"])
bp.add_url_rule("/people/<int:user_id>", "person", p.person)
bp.add_url_rule("/people/<int:user_id>", "update_person", p.update_person, methods=["POST"])
bp.add_url_rule("/departments", "save_department", p.save_department, methods=["POST"])
bp.add_url_rule("/groups", "save_group", p.save_group, methods=["POST"])

# The guide's metadata as a generated form (the rest of the item file stays in the YAML editor).
bp.add_url_rule("/items/<code>/draft/guide", "guide_form", g.edit)
bp.add_url_rule("/items/<code>/draft/guide", "save_guide", g.save, methods=["POST"])

# The form designer on the draft's forms.
bp.add_url_rule("/items/<code>/draft/forms", "forms", f.forms)
bp.add_url_rule("/items/<code>/draft/forms", "add_form", f.add_form, methods=["POST"])
bp.add_url_rule("/items/<code>/draft/forms/<path:key>", "design_form", f.design)
bp.add_url_rule("/items/<code>/draft/forms/<path:key>", "save_form_design", f.save, methods=["POST"])

# Archives and element templates for desktop modelers (designer_export/).
bp.add_url_rule("/items/<code>/archive.zip", "item_archive", x.archive)
bp.add_url_rule("/items/import", "import_archive", x.import_archive, methods=["GET", "POST"])
bp.add_url_rule("/element-templates.json", "element_templates", x.templates)

# Portal content: news, notices, policies, regulations, FAQ (content editors, administrators; a department
# administrator for their own department).
bp.add_url_rule("/content", "content", c.index)
bp.add_url_rule("/content/new", "new_article", c.new)
bp.add_url_rule("/content/new", "create_article", c.save, methods=["POST"])
bp.add_url_rule("/content/<int:article_id>", "article_preview", c.preview)
bp.add_url_rule("/content/<int:article_id>/edit", "edit_article", c.edit)
bp.add_url_rule("/content/<int:article_id>/edit", "update_article", c.save, methods=["POST"])
bp.add_url_rule("/content/<int:article_id>/publish", "publish_article", c.publish, methods=["POST"])
bp.add_url_rule("/content/<int:article_id>/withdraw", "withdraw_article", c.withdraw, methods=["POST"])
