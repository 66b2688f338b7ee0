"""Every URL rule of the app, and every path of the API's OpenAPI document, walked as people who must neither
see nor touch the construction bureau's (dm_construction) and the land bureau's (dm_land) cases: a township
supervisor (bj_center, who watches that township only), and a reviewer, a window clerk and a section head of
the development and reform bureau (dm_drc). Each URL is filled with the ids of real cases, tasks, documents,
files, fees, complaints, extension requests ... of those bureaus. Every method of every rule is refused
(403 / 404) and leaves every table of the database as it was.

Public rules and the lists that show only what is the person's own or within their scope are named below,
each with its reason; the lists are opened too and must not name any of those cases. A rule in neither list
is walked, so a new route cannot forget its check."""
from __future__ import annotations

import pytest

# Its fixtures (walk_app, walk_db, world, signed_in) are registered in tests/conftest.py.
from .route_walk import OUTSIDERS, Commits, requests_of, send, snapshot

# Anyone may open these; they show nothing of a case beyond what its published result, its query code or a
# document's verification code discloses.
PUBLIC = {
    "static": "style sheets, scripts and images",
    "portal.home": "the portal's front page",
    "portal.articles_news": "published news", "portal.articles_notice": "published notices",
    "portal.articles_policy": "published policies", "portal.articles_regulation": "published regulations",
    "portal.articles_faq": "published FAQ", "portal.article": "one published article",
    "portal.item": "an item's public guide", "portal.item_diagram": "an item's published process diagram",
    "portal.guide_file": "an item's blank forms and samples",
    "portal.results": "published results, personal data masked",
    "portal.status": "the status lookup form", "portal.status_lookup": "status by case number and query code",
    "portal.verify": "a document's verification by the code printed on it",
    "portal.inquiry_answers": "answers the department chose to publish",
    "portal.inquiry_new": "the form for a consultation or complaint", "portal.inquiry_submit": "sends one",
    "portal.inquiry_lookup_form": "the form to follow one's inquiry",
    "portal.inquiry_lookup": "one's inquiry by reference and the contact given with it",
    "portal.kiosk": "the hall's kiosk", "portal.kiosk_map": "the hall's window map",
    "portal.kiosk_department": "a department's items on the kiosk", "portal.kiosk_item": "an item's guide on the kiosk",
    "portal.kiosk_status": "the kiosk's status form", "portal.kiosk_status_lookup": "status by number and query code",
    "auth.login": "signing in", "auth.register": "choosing how to register",
    "auth.register_individual": "a resident's registration", "auth.register_company": "a company's registration",
    "api.health": "liveness for the load balancer", "api.openapi": "the API's description",
    "api.docs": "the API's reference page", "api.items": "the public item catalogue",
    "api.item": "one item's public guide", "api.case_status": "status by case number and query code",
}

# Pages about the person themself, or lists the engine narrows to what the person may see. Their GETs are
# walked too and must not name any of the two bureaus' cases, complaints or requests; their POSTs change only
# the person's own things and are not sent.
OWN = {
    "auth.logout": "ends the person's own session (POST, not sent)",
    "auth.change_password": "the person's own password (GET only)",
    "workbench.inbox": "the person's queues: tasks they claimed, or unclaimed in their groups",
    "workbench.done": "tasks the person completed",
    "workbench.save_filter": "saves the person's own inbox filter (POST, not sent)",
    "workbench.substitutes": "the person's own substitutes",
    "workbench.name_substitute": "names the person's own substitute among their colleagues (POST, not sent)",
    "workbench.walk_in": "the list of items a window clerk may register at the counter",
    "workbench.register_walk_in": "the empty walk-in form; its POST registers a new application (not sent)",
    "workbench.extension_requests": "requests the person may decide (permissions.extension_departments)",
    "workbench.tickets": "ticket fees of the departments the person collects for (permissions.fee_departments)",
    "workbench.inquiries": "inquiries the person may answer (permissions.may_answer_inquiry)",
    "workbench.complaints": "complaint stages the person handles or their department's",
    "supervision.dashboard": "counts over the departments the supervisor watches",
    "supervision.deadlines": "waiting deadlines in the departments the supervisor watches",
    "supervision.live": "yellow and red cases of the departments the supervisor watches",
    "supervision.complaints": "complaint stages of the departments the supervisor watches",
    "supervision.bad_reviews": "bad reviews of the departments the supervisor watches",
    "supervision.extension_requests": "requests of the departments the supervisor watches",
    "supervision.statistics": "statistics of the departments the supervisor watches",
    "supervision.statistics_charts": "the same, as chart data",
    "supervision.statistics_cases": "the cases behind a number, within the supervisor's departments",
    "supervision.statistics_export": "the statistics as CSV / Excel",
    "supervision.statistics_report": "the statistics as a PDF report",
    "supervision.audit_chain": "whether the audit trail's hash chain holds (no case data)",
    "api.cases": "cases of the caller's departments (permissions.api_departments_of)",
    "api.tasks": "the caller's own queues (permissions.inbox_scope)",
    "api.deadlines": "waiting deadlines in the caller's departments",
    "api.statistics": "statistics of the caller's departments",
    "api.events": "case events of the caller's departments",
    "api.webhooks": "subscriptions of a department system (people get 403)",
}


def test_every_rule_is_public_own_or_walked_and_the_lists_name_only_real_rules(walk_app):
    endpoints = {rule.endpoint for rule in walk_app.url_map.iter_rules()}
    assert not set(PUBLIC) & set(OWN)
    assert set(PUBLIC) | set(OWN) <= endpoints, sorted((set(PUBLIC) | set(OWN)) - endpoints)
    assert set(LIST_OWNERS) <= set(OWN) and set(SHOWN_ONCE) <= endpoints - set(PUBLIC) - set(OWN)
    walked = {endpoint for endpoint, _rule, _method in requests_of(walk_app)}
    assert walked == endpoints  # every OpenAPI operation is a rule of the URL map, and no rule is left out


@pytest.mark.parametrize("username", list(OUTSIDERS))
def test_an_outsider_is_refused_every_case_route_and_nothing_changes(walk_app, walk_db, world, signed_in, username):
    client, failures = signed_in(username), []
    commits = Commits(walk_db)
    before = snapshot(walk_db)
    walk = [(endpoint, rule, method, None) for endpoint, rule, method in requests_of(walk_app)
            if endpoint not in PUBLIC and (endpoint not in OWN or method == "GET")]
    walk += [(endpoint, rule, method, world["behind_own"][endpoint]) for endpoint, rule, method, _ids in walk
             if endpoint in world["behind_own"]]
    for endpoint, rule, method, ids in walk:
        response = send(client, world, endpoint, rule, method, ids)
        body = response.get_data().decode("utf-8", "replace")
        shown = [trace for trace in world["traces"] if trace in body]
        after = snapshot(walk_db) if commits.moved() else before
        changed, before = sorted(name for name, digest in after.items() if before[name] != digest), after
        refused = response.status_code < 500 if endpoint in OWN else response.status_code in (403, 404)
        if not refused or shown or changed:
            failures.append(f"{method} {rule.rule} ({endpoint}{', own ' if ids else ''}{ids or ''}): "
                            f"{response.status_code}, shows {shown}, changes {changed}")
    commits.close()
    assert not failures, f"{username}:\n" + "\n".join(failures)


# Whose each walked page is: it opens for them, so the walk's ids are real and the outsiders' 404s are refusals,
# not typos. The first prefix that matches names the owner.
OWNERS = (("admin.", "admin"), ("applicant.", "zhangsan"), ("materials.own_file", "zhangsan"),
          ("materials.library", "zhangsan"), ("supervision.", "supervisor"), ("api.deliveries", "token"),
          ("", "reviewer"))
SHOWN_ONCE = {"workbench.walk_in_receipt": "the query code is shown once, right after the clerk registered the case"}


def test_every_walked_page_opens_for_the_person_it_belongs_to(walk_app, world, signed_in):
    failures = []
    for endpoint, rule, method in requests_of(walk_app):
        if method != "GET" or endpoint in PUBLIC or endpoint in OWN or endpoint in SHOWN_ONCE:
            continue
        owner = next(owner for prefix, owner in OWNERS if endpoint.startswith(prefix))
        response = send(signed_in(owner), world, endpoint, rule, method)
        if response.status_code != 200:
            failures.append(f"{rule.rule} ({endpoint}) as {owner}: {response.status_code}")
    own_task = world["behind_own"]["workbench.record_payment"]["task_id"]
    for username in ("drc_reviewer", "drc_clerk", "drc_head"):  # their own case, in front of the bureaus' ids
        assert signed_in(username).get(f"/workbench/tasks/{own_task}").status_code == 200, username
    assert not failures, "\n".join(failures)


# Lists that show the two bureaus' cases to their own people: what the outsiders' walk looks for in the same
# lists, asked the same way, is there to be found.
LIST_OWNERS = {
    "workbench.inbox": "reviewer", "workbench.done": "clerk", "workbench.tickets": "clerk",
    "workbench.complaints": "head", "workbench.extension_requests": "head", "workbench.inquiries": "head",
    "workbench.substitutes": "reviewer", "supervision.deadlines": "supervisor", "supervision.complaints": "supervisor",
    "supervision.extension_requests": "supervisor", "supervision.statistics_cases": "supervisor",
    "api.cases": "reviewer", "api.tasks": "reviewer", "api.events": "supervisor", "api.deadlines": "supervisor",
}


def test_the_lists_show_the_bureaus_cases_to_their_own_people(walk_app, world, signed_in):
    rules = {rule.endpoint: rule for rule in walk_app.url_map.iter_rules()}
    missing = []
    for endpoint, owner in LIST_OWNERS.items():
        response = send(signed_in(owner), world, endpoint, rules[endpoint], "GET")
        body = response.get_data(as_text=True)
        if response.status_code != 200 or not any(trace in body for trace in world["traces"]):
            missing.append(f"{endpoint} as {owner}: {response.status_code}")
    assert not missing, "\n".join(missing)
