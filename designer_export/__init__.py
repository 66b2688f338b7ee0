"""Exports for analysts' desktop tools: element templates for Camunda Modeler, item archives moved between
installations, and the process drawing as SVG rendered from the diagram's own layout (no browser)."""
