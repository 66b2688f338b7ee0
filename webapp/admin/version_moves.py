"""Moving an item's running cases onto one of its newer versions (迁移在办件): the verdict for every case, then
the move of the chosen ones or of all that can move. The rules are engine.version_migration's."""
from __future__ import annotations

from flask import render_template, request

from engine import version_migration
from engine.errors import InvalidInput, InvalidState, NotFound
from engine.permissions import may_define_items

from ..access import permission_required, signed_in
from ..extensions import engine_db


def _page(code: str, version_no: int, moved=(), refused=(), errors=None, status=200):
    target, verdicts = version_migration.judge_all(engine_db(), signed_in(), code, version_no)
    history = version_migration.moves_to(engine_db(), signed_in(), code, version_no)
    return render_template("admin/version_moves.html", code=code, target=target, verdicts=verdicts, moved=moved,
                           refused=refused, history=history, errors=errors or {},
                           limit=version_migration.MAX_LISTED), status


@permission_required(may_define_items)
def verdicts(code: str, version_no: int):
    return _page(code, version_no)


@permission_required(may_define_items)
def move(code: str, version_no: int):
    user = signed_in()
    if request.form.get("scope") == "all":
        moved, refused = version_migration.move_all(engine_db(), user, code, version_no)
        return _page(code, version_no, moved, [(v.case_id, "；".join(v.reasons)) for v in refused])
    try:
        case_ids = version_migration.parse_case_ids(request.form.getlist("cases"))
    except InvalidInput as exc:
        return _page(code, version_no, errors=exc.errors, status=400)
    moved, refused = [], []
    for case_id in case_ids:
        try:
            moved.append(version_migration.move_case(engine_db(), user, case_id, code, version_no))
        except (InvalidState, NotFound) as exc:  # changed meanwhile, or not a case of this item
            refused.append((case_id, str(exc)))
    return _page(code, version_no, moved, refused)
