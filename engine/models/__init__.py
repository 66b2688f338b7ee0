"""All tables. Import models from here."""
from .api import ApiClient, IdempotencyRecord, WebhookAttempt, WebhookDelivery, WebhookSubscription
from .application import ApplicationDraft, ApplicationRevision
from .audit import AuditEvent, AuditHead
from .base import Base
from .case import Case, CaseTimer, CaseWorkflow, HumanTask
from .document import Document, DocumentCounter
from .fee import FeeCharge
from .feedback import Evaluation, Message, MessageDelivery
from .item import Item, ItemVersion, ProcessSpec
from .handling import Extension, SavedFilter, SpecialProcedure, Substitution
from .organisation import CalendarDay, Department, Group, GroupMember, User, UserRole
from .supervision import SupervisionCard, Urge

__all__ = ["ApiClient", "ApplicationDraft", "ApplicationRevision", "AuditEvent", "AuditHead", "Base", "CalendarDay",
           "Case", "CaseTimer", "CaseWorkflow", "Department", "Document", "DocumentCounter", "Evaluation",
           "Extension", "FeeCharge", "Group", "GroupMember", "HumanTask", "IdempotencyRecord", "Item", "ItemVersion",
           "Message", "MessageDelivery", "ProcessSpec", "SavedFilter", "SpecialProcedure", "Substitution",
           "SupervisionCard", "Urge", "User", "UserRole", "WebhookAttempt", "WebhookDelivery", "WebhookSubscription"]
