"""Reading pages the way a browser and a tester do: elements by id, and the values a form would submit.

Only the standard library's HTML parser; no knowledge of how webapp renders anything beyond the HTML.
"""
from __future__ import annotations

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

from engine.demo import DEMO_PASSWORD

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict, parent: "Element | None", inert: bool):
        self.tag, self.attrs, self.parent, self.inert = tag, attrs, parent, inert
        self.children: list[Element | str] = []

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None, False)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        inert = self.current.inert or self.current.tag == "template"
        element = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current, inert)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.current = self.current.parent

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


class Page:
    def __init__(self, response):
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        builder = _Builder()
        builder.feed(self.html)
        self.root = builder.root

    def find(self, element_id: str) -> Element | None:
        return next((e for e in self.root.iter() if e.get("id") == element_id and not e.inert), None)

    def text(self, element_id: str) -> str:
        element = self.find(element_id)
        assert element is not None, f"no element #{element_id} in the page (status {self.status})"
        return " ".join(element.text.split())

    def all(self, attribute: str, prefix: str = "") -> list[Element]:
        """Live elements whose `attribute` starts with `prefix` (e.g. data-testid="task-row-")."""
        return [e for e in self.root.iter() if not e.inert and e.get(attribute, None) is not None
                and e.get(attribute).startswith(prefix)]

    def form_values(self, form_id: str) -> list[tuple[str, str]]:
        """What a browser would submit from this form as it stands (no templates, no unchecked boxes)."""
        form = self.find(form_id)
        assert form is not None, f"no form #{form_id}"
        pairs = []
        for e in form.iter():
            name = e.get("name")
            if e.inert or not name or "disabled" in e.attrs:
                continue
            if e.tag == "input":
                kind = e.get("type", "text").lower()
                if kind in ("submit", "button", "reset", "file", "image"):
                    continue
                if kind in ("checkbox", "radio"):
                    if "checked" in e.attrs:
                        pairs.append((name, e.get("value", "on")))
                    continue
                pairs.append((name, e.get("value", "")))
            elif e.tag == "textarea":
                pairs.append((name, e.text[1:] if e.text.startswith("\n") else e.text))
            elif e.tag == "select":
                options = [o for o in e.iter() if o.tag == "option"]
                chosen = [o for o in options if "selected" in o.attrs] or options[:1]
                pairs.extend((name, o.get("value", o.text)) for o in chosen)
        return pairs


def form_pairs(data, prefix: str = "") -> list[tuple[str, str]]:
    """A JSON document as HTML form fields, named the documented way: `a[b][0][c]`."""
    pairs = []
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, (dict, list)):
            pairs += form_pairs(value, name)
        elif isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        elif value is not None:
            pairs.append((name, str(value)))
    return pairs


def filled_form(client, url: str, form_id: str, data: dict | None = None) -> tuple[str, MultiDict]:
    """Open the page at `url` and fill the form `form_id` with `data` over what it shows, as a person at
    a browser would (defaults the page shows stay unless `data` names the field): (action, fields)."""
    page = Page(client.get(url))
    form = page.find(form_id)
    assert form is not None, f"no form #{form_id} on {url} (status {page.status})"
    answer = form_pairs(data or {})
    names = {name for name, _value in answer}
    values = [(name, value) for name, value in page.form_values(form_id) if name not in names] + answer
    return form.get("action") or url, MultiDict(values)


def submit(client, url: str, form_id: str, data: dict | None = None):
    """Fill the form on the page at `url` (see `filled_form`) and submit it."""
    action, values = filled_form(client, url, form_id, data)
    return client.post(action, data=values)


def login(client, username: str, password: str = DEMO_PASSWORD):
    """Sign in through the login form's endpoint; returns the response."""
    return client.post("/auth/login", data={"username": username, "password": password})


def send_application(client, code: str, data: dict | None = None, with_files: bool = True):
    """Fill the item's application form with `data`, attach a small PDF to every material it asks for (unless
    `with_files` is false) and press "next": the response goes to the review page when the form was right."""
    import io

    from tests import material_files

    url = f"/my/apply/{code}"
    action, values = filled_form(client, url, "application-form", data)
    if with_files:
        for upload in Page(client.get(url)).all("name", "upload."):
            values.add(upload.get("name"), (io.BytesIO(material_files.pdf()), "材料.pdf"))
    return client.post(action, data=values, content_type="multipart/form-data")


def apply_online(client, code: str, data: dict | None = None, with_files: bool = True):
    """`send_application`, then confirm on the review page, as an applicant does. Returns the confirmation's
    response (a redirect to the receipt when it worked), or the form's own response when it was refused."""
    response = send_application(client, code, data, with_files)
    if response.status_code != 302 or not response.headers["Location"].endswith("/review"):
        return response
    return submit(client, response.headers["Location"], "confirm-form")
