"""The bundle checker on hostile or malformed input: XXE, entity expansion, not XML, huge files, fuzz.

Every test asserts the element id and a fragment of the message, not merely "some problem".
"""
from __future__ import annotations

import random
import time

import pytest

from engine.bundles import Problem, check_paths
from engine.xmlsafe import MAX_DIAGRAM_BYTES, XmlRejected, parse_xml

from .bundle_fixtures import DEFAULT_DIAGRAM, only_error, project

XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
       b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&e;</bpmn:definitions>')
LAUGHS = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' + b"".join(
    b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)) + \
    b']>\n<lolz>&lol9;</lolz>'


@pytest.mark.parametrize("data, fragment, line", [
    (XXE, "DOCTYPE", 2), (LAUGHS, "DOCTYPE", 2), (b"this is not xml at all", "不是有效的 XML", 1),
    (b"<bpmn:definitions", "不是有效的 XML", 1), ("<a>中文</a>".encode("gbk"), "UTF-8", 1),
    (b'<?xml version="1.0" encoding="GBK"?><a/>', "GBK", 1)])
def test_hostile_or_broken_xml_is_rejected(tmp_path, data, fragment, line):
    started = time.monotonic()
    report = check_paths([str(project(tmp_path, data))])
    problem = only_error(report, None, fragment, file="processes/demo.bpmn")
    assert problem.line == line and "root:" not in problem.message  # /etc/passwd never read into a message
    assert time.monotonic() - started < 5
    with pytest.raises(XmlRejected):
        parse_xml(data, "x.bpmn")


def test_parser_resolves_nothing_even_without_the_doctype_guard():
    """Defence in depth: the lxml parser itself neither reads files nor expands entities."""
    import io

    from lxml import etree

    from engine import xmlsafe
    tree = etree.parse(io.BytesIO(XXE), xmlsafe._parser())
    assert "root:" not in etree.tostring(tree, encoding="unicode")


def test_huge_file_is_refused_before_parsing(tmp_path):
    path = project(tmp_path)
    with open(path / "processes" / "demo.bpmn", "wb") as f:
        f.write(DEFAULT_DIAGRAM.encode()[:-20] + b"<!-- " + b"x" * (20 * 1024 * 1024) + b" -->\n</bpmn:definitions>")
    only_error(check_paths([str(path)]), None, "文件过大")
    with pytest.raises(XmlRejected, match="文件过大"):
        parse_xml(b" " * (MAX_DIAGRAM_BYTES + 1), "big.bpmn")


def test_fuzzed_diagrams_never_raise(tmp_path):
    data = DEFAULT_DIAGRAM.encode("utf-8")
    rng = random.Random(20260301)
    variants = [data[:cut] for cut in range(0, len(data), 97)]
    for _ in range(40):
        garbled = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            garbled[rng.randrange(len(garbled))] = rng.choice(b"<>&\"'=/ x\x00\xff")
        variants.append(bytes(garbled))
    lines = data.splitlines(keepends=True)
    for _ in range(30):
        kept = [line for line in lines if rng.random() > 0.2]
        variants.append(b"".join(kept))
    for variant in variants:
        report = check_paths([str(project(tmp_path, variant))])
        assert all(isinstance(p, Problem) and p.message for p in report.problems)
    for cut in range(0, len(data) - 30, 97):
        assert not check_paths([str(project(tmp_path, data[:cut]))]).ok
