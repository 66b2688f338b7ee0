"""Item bundles (docs/bundle-format.md): loading, checking and the parsed result the runtime deploys.

    report = check_paths(["/path/to/project"])      # what `onewindow check` prints
    for bundle in report.bundles:                   # only bundles without errors
        spec, subprocess_specs = bundle.build_specs()

Module map: model (dataclasses), yamlfiles, organisation, dialects (Camunda 7 / Zeebe / spiff-arena
user-task settings), forms, timers, diagram (XML-level checks), usertasks, parser (OneWindowParser, XSD,
SpiffWorkflow errors), loader (one bundle), texts (one bundle held in memory), checker (paths).
"""
from .checker import CheckReport, check_paths
from .loader import load_bundle
from .model import Bundle, FormDef, Problem, UserTaskInfo
from .organisation import APPLICANT_GROUP, Organisation, load_organisation
from .parser import OneWindowParser
from .texts import load_bundle_texts

__all__ = ["APPLICANT_GROUP", "Bundle", "CheckReport", "FormDef", "OneWindowParser", "Organisation",
           "Problem", "UserTaskInfo", "check_paths", "load_bundle", "load_bundle_texts", "load_organisation"]
