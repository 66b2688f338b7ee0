"""All tables. Import models from here."""
from .api import ApiClient, IdempotencyRecord, WebhookAttempt, WebhookDelivery, WebhookSubscription
from .application import ApplicationDraft, ApplicationRevision
from .audit import AuditEvent, AuditHead
from .base import Base
from .case import Case, CaseTimer, CaseWorkflow, HumanTask
from .complaint import ComplaintEvent, ComplaintStage
from .definition import ItemDraft
from .document import Document, DocumentCounter
from .fee import FeeCharge
from .feedback import Evaluation, Message, MessageDelivery
from .item import CaseVersionMove, Item, ItemVersion, ProcessSpec
from .material import CaseMaterial, StoredFile
from .handling import Extension, SavedFilter, SpecialProcedure, Substitution
from .portal import Article, Inquiry, ItemFacet
from .organisation import CalendarDay, Department, Group, GroupMember, LoginSession, User, UserRole
from .supervision import SupervisionCard, Urge

__all__ = ["ApiClient", "ApplicationDraft", "ApplicationRevision", "Article", "AuditEvent", "AuditHead", "Base",
           "CalendarDay", "Case", "CaseMaterial", "CaseTimer", "CaseVersionMove", "CaseWorkflow", "ComplaintEvent",
           "ComplaintStage",
           "Department", "Document",
           "DocumentCounter", "Evaluation", "Extension", "FeeCharge", "Group", "GroupMember", "HumanTask",
           "IdempotencyRecord", "Inquiry", "Item", "ItemDraft", "ItemFacet", "ItemVersion", "LoginSession", "Message",
           "MessageDelivery", "ProcessSpec", "SavedFilter", "SpecialProcedure", "StoredFile", "Substitution",
           "SupervisionCard", "Urge", "User", "UserRole", "WebhookAttempt", "WebhookDelivery", "WebhookSubscription"]
