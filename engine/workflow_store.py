"""Serialized workflows without their specs: each spec is stored once per content hash.

Every SpiffWorkflow serialization embeds the full spec; half the bytes of a small case. We strip
`spec` and `subprocess_specs` before saving and put the shared copy back before loading.
"""
from __future__ import annotations

import json
from functools import lru_cache

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
SPEC_KEYS = ("spec", "subprocess_specs")


def _to_json(dct: dict) -> str:
    return json.dumps(dct, cls=SERIALIZER._encoder_cls, ensure_ascii=False, separators=(",", ":"))


def _encode(workflow: BpmnWorkflow) -> dict:
    SERIALIZER.registry._encoder_mode = True
    try:
        return SERIALIZER.to_dict(workflow)
    finally:
        SERIALIZER.registry._encoder_mode = False


def spec_document(spec, subprocess_specs: dict) -> str:
    """The JSON document stored in `process_spec.data` for a parsed bundle."""
    dct = _encode(BpmnWorkflow(spec, subprocess_specs))
    return _to_json({key: dct[key] for key in SPEC_KEYS})


def dump(workflow: BpmnWorkflow) -> str:
    """Serialize a workflow's state, leaving its spec out."""
    dct = _encode(workflow)
    for key in SPEC_KEYS:
        dct.pop(key, None)
    dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
    return _to_json(dct)


def load(state: str, spec_doc: str, script_engine) -> BpmnWorkflow:
    """Rebuild a workflow from its saved state and the shared spec document."""
    dct = json.loads(state, cls=SERIALIZER.json_decoder_cls)
    dct.update(json.loads(spec_doc, cls=SERIALIZER.json_decoder_cls))
    SERIALIZER.migrate(dct)
    workflow = SERIALIZER.from_dict(dct)
    workflow.script_engine = script_engine
    return workflow


@lru_cache(maxsize=128)
def _restored_specs(spec_doc: str) -> tuple:
    # Spec objects are not changed by running workflows (SpiffWorkflow's own tests start many workflows
    # from one parsed spec), so one restored copy per document serves every new case.
    specs = json.loads(spec_doc, cls=SERIALIZER.json_decoder_cls)
    spec = SERIALIZER.from_dict(specs["spec"])
    subprocess_specs = {name: SERIALIZER.from_dict(s) for name, s in specs["subprocess_specs"].items()}
    return spec, subprocess_specs


def new_workflow(spec_doc: str, script_engine) -> BpmnWorkflow:
    """A fresh workflow from a stored spec document (no parsing of BPMN at run time)."""
    spec, subprocess_specs = _restored_specs(spec_doc)
    return BpmnWorkflow(spec, dict(subprocess_specs), script_engine=script_engine)
