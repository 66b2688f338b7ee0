"""The process drawing for the public guide as SVG, from the diagram's own DI layout, with lxml only.

Shapes by kind (tasks as rounded boxes, events as circles, end events bold, gateways as diamonds, pools
and lanes as frames), sequence flows as polylines with arrows, names as text. No browser, no JavaScript:
the drawing can be cached, printed and read by screen readers (each shape has a <title>).
"""
from __future__ import annotations

from lxml import etree

from engine.bundles.dialects import NS
from engine.xmlsafe import parse_xml

SVG = "http://www.w3.org/2000/svg"
DI = {"bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI", "dc": "http://www.omg.org/spec/DD/20100524/DC",
      "di": "http://www.omg.org/spec/DD/20100524/DI", **NS}
_MARGIN = 20
_CHARS_PER_LINE = 8


def _f(value) -> float:
    return float(value or 0)


def render_svg(xml: str | bytes) -> str:
    """The diagram's first BPMNDiagram as a standalone SVG document (UTF-8 text)."""
    tree = parse_xml(xml.encode("utf-8") if isinstance(xml, str) else xml, "diagram.bpmn")
    elements = {e.get("id"): e for e in tree.xpath("//bpmn:*[@id]", namespaces=NS)}
    plane = tree.xpath("//bpmndi:BPMNDiagram[1]/bpmndi:BPMNPlane", namespaces=DI)
    shapes = plane[0].xpath("./bpmndi:BPMNShape", namespaces=DI) if plane else []
    edges = plane[0].xpath("./bpmndi:BPMNEdge", namespaces=DI) if plane else []
    xs, ys = [], []
    for shape in shapes + edges:
        for b in shape.xpath("./dc:Bounds | ./bpmndi:BPMNLabel/dc:Bounds", namespaces=DI):
            xs += [_f(b.get("x")), _f(b.get("x")) + _f(b.get("width"))]
            ys += [_f(b.get("y")), _f(b.get("y")) + _f(b.get("height"))]
    for edge in edges:
        for point in edge.findall("di:waypoint", DI):
            xs.append(_f(point.get("x")))
            ys.append(_f(point.get("y")))
    left, top = (min(xs) - _MARGIN, min(ys) - _MARGIN) if xs else (0, 0)
    width, height = ((max(xs) - min(xs) + 2 * _MARGIN), (max(ys) - min(ys) + 2 * _MARGIN)) if xs else (100, 100)
    svg = etree.Element(f"{{{SVG}}}svg", nsmap={None: SVG}, viewBox=f"{left:g} {top:g} {width:g} {height:g}",
                        width=f"{width:g}", height=f"{height:g}", role="img", **{"class": "process-drawing"})
    defs = etree.SubElement(svg, f"{{{SVG}}}defs")
    marker = etree.SubElement(defs, f"{{{SVG}}}marker", id="arrow", viewBox="0 0 10 10", refX="10", refY="5",
                              markerWidth="8", markerHeight="8", orient="auto")
    etree.SubElement(marker, f"{{{SVG}}}path", d="M0,0 L10,5 L0,10 z", fill="#222")
    # Frames first (pools, lanes, subprocesses), so nodes and flows are drawn over them.
    order = sorted(shapes, key=lambda s: _kind(elements.get(s.get("bpmnElement"))) not in ("participant", "lane"))
    for shape in order:
        _shape(svg, shape, elements.get(shape.get("bpmnElement")))
    for edge in edges:
        _edge(svg, edge, elements.get(edge.get("bpmnElement")))
    return etree.tostring(svg, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def _kind(element) -> str:
    return etree.QName(element).localname if element is not None else ""


def _shape(svg, shape, element) -> None:
    b = shape.find("dc:Bounds", DI)
    if b is None or element is None:
        return
    x, y, w, h = (_f(b.get(k)) for k in ("x", "y", "width", "height"))
    kind, name = _kind(element), element.get("name") or ""
    label = shape.find("bpmndi:BPMNLabel/dc:Bounds", DI)
    below = (_f(label.get("x")) + _f(label.get("width")) / 2, _f(label.get("y")) + 10) if label is not None \
        else (x + w / 2, y + h + 14)
    group = etree.SubElement(svg, f"{{{SVG}}}g", **{"class": f"shape {kind}", "data-element-id": element.get("id")})
    etree.SubElement(group, f"{{{SVG}}}title").text = name or element.get("id")
    style = {"fill": "#fff", "stroke": "#222", "stroke-width": "1.5"}
    if kind in ("participant", "lane"):
        etree.SubElement(group, f"{{{SVG}}}rect", x=f"{x:g}", y=f"{y:g}", width=f"{w:g}", height=f"{h:g}",
                         fill="none", stroke="#888")
        _text(group, name, x + 15, y + h / 2, vertical=True)
        return
    if kind.endswith("Event"):
        r = min(w, h) / 2
        if kind == "endEvent":
            style["stroke-width"] = "4"
        etree.SubElement(group, f"{{{SVG}}}circle", cx=f"{x + w / 2:g}", cy=f"{y + h / 2:g}", r=f"{r:g}", **style)
        if element.xpath("./bpmn:timerEventDefinition", namespaces=NS):
            etree.SubElement(group, f"{{{SVG}}}circle", cx=f"{x + w / 2:g}", cy=f"{y + h / 2:g}", r=f"{r * 0.7:g}",
                             fill="none", stroke="#222")
        _text(group, name, *below)
    elif kind.endswith("Gateway"):
        cx, cy = x + w / 2, y + h / 2
        points = f"{cx:g},{y:g} {x + w:g},{cy:g} {cx:g},{y + h:g} {x:g},{cy:g}"
        etree.SubElement(group, f"{{{SVG}}}polygon", points=points, **style)
        if kind == "parallelGateway":
            cross = f"M{cx:g},{y + h * .25:g} V{y + h * .75:g} M{x + w * .25:g},{cy:g} H{x + w * .75:g}"
            etree.SubElement(group, f"{{{SVG}}}path", d=cross, stroke="#222", **{"stroke-width": "3"})
        _text(group, name, *below)
    else:
        fill = "none" if kind == "subProcess" else "#fff"
        etree.SubElement(group, f"{{{SVG}}}rect", x=f"{x:g}", y=f"{y:g}", width=f"{w:g}", height=f"{h:g}", rx="10",
                         **{**style, "fill": fill})
        _text(group, name, x + w / 2, y + h / 2 if kind != "subProcess" else y + 16)


def _edge(svg, edge, element) -> None:
    points = [(_f(p.get("x")), _f(p.get("y"))) for p in edge.findall("di:waypoint", DI)]
    if len(points) < 2:
        return
    kind = _kind(element)
    attrs = {"fill": "none", "stroke": "#222", "stroke-width": "1.5", "class": f"edge {kind}"}
    if kind == "sequenceFlow":
        attrs["marker-end"] = "url(#arrow)"
    else:
        attrs["stroke-dasharray"] = "4 3"
    line = etree.SubElement(svg, f"{{{SVG}}}polyline", points=" ".join(f"{x:g},{y:g}" for x, y in points), **attrs)
    if element is not None:
        line.set("data-element-id", element.get("id"))
        name = element.get("name")
        if name:
            label = edge.find("bpmndi:BPMNLabel/dc:Bounds", DI)
            lx, ly = ((_f(label.get("x")) + _f(label.get("width")) / 2, _f(label.get("y")) + 10) if label is not None
                      else ((points[0][0] + points[1][0]) / 2, (points[0][1] + points[1][1]) / 2 - 4))
            _text(svg, name, lx, ly)


def _text(parent, name: str, x: float, y: float, vertical: bool = False) -> None:
    if not name:
        return
    lines = [name[i:i + _CHARS_PER_LINE] for i in range(0, len(name), _CHARS_PER_LINE)] if not vertical else [name]
    text = etree.SubElement(parent, f"{{{SVG}}}text", x=f"{x:g}", y=f"{y - 7 * (len(lines) - 1):g}",
                            **{"text-anchor": "middle", "font-size": "12", "font-family": "sans-serif"})
    if vertical:
        text.set("transform", f"rotate(-90 {x:g} {y:g})")
    for i, line in enumerate(lines):
        span = etree.SubElement(text, f"{{{SVG}}}tspan", x=f"{x:g}", dy="0" if i == 0 else "14")
        span.text = line
