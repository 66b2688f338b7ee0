"""Serialized workflows without their specs: each spec is stored once per content hash.

Every SpiffWorkflow serialization embeds the full spec; half the bytes of a small case. We strip
`spec` and `subprocess_specs` before saving and put the shared copy back before loading.
"""
from __future__ import annotations

import json
from functools import lru_cache
from uuid import UUID

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
    """Rebuild a workflow from its saved state and the shared spec document.

    The spec objects restored once per document (as for new workflows) are reused: only the task tree is
    deserialized. A state written by an older serializer takes SpiffWorkflow's own path, which migrates it."""
    dct = json.loads(state, cls=SERIALIZER.json_decoder_cls)
    if dct.get(SERIALIZER.VERSION_KEY) != SERIALIZER.VERSION:
        dct.update(json.loads(spec_doc, cls=SERIALIZER.json_decoder_cls))
        SERIALIZER.migrate(dct)
        workflow = SERIALIZER.from_dict(dct)
    else:
        del dct[SERIALIZER.VERSION_KEY]
        workflow = _restore_on_specs(dct, *_restored_specs(spec_doc))
    workflow.script_engine = script_engine
    return workflow


def _restore_on_specs(dct: dict, spec, subprocess_specs: dict) -> BpmnWorkflow:
    # SpiffWorkflow's BpmnWorkflowConverter.from_dict, minus restoring the specs it would find in `dct`.
    converter = SERIALIZER.registry.convert_from_dict[dct["typename"]].args[0].__self__
    workflow = converter.target_class(spec, dict(subprocess_specs), deserializing=True)
    workflow.tasks = converter.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
    workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
    converter.set_default_attributes(workflow, dct)
    converter.subprocesses_from_dict(dct["subprocesses"], workflow)
    workflow.bpmn_events = SERIALIZER.registry.restore(dct.pop("bpmn_events", []))
    return workflow


@lru_cache(maxsize=128)
def _restored_specs(spec_doc: str) -> tuple:
    # Spec objects are not changed by running workflows (SpiffWorkflow's own tests start many workflows
    # from one parsed spec), so one restored copy per document serves every new case.
    specs = json.loads(spec_doc, cls=SERIALIZER.json_decoder_cls)
    spec = SERIALIZER.from_dict(specs["spec"])
    subprocess_specs = {name: SERIALIZER.from_dict(s) for name, s in specs["subprocess_specs"].items()}
    return spec, subprocess_specs


def specs_of(spec_doc: str) -> tuple:
    """The restored (spec, subprocess specs) of a stored spec document, shared: never change them."""
    return _restored_specs(spec_doc)


def new_workflow(spec_doc: str, script_engine) -> BpmnWorkflow:
    """A fresh workflow from a stored spec document (no parsing of BPMN at run time)."""
    spec, subprocess_specs = _restored_specs(spec_doc)
    return BpmnWorkflow(spec, dict(subprocess_specs), script_engine=script_engine)
