"""All tables. Import models from here."""
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

__all__ = ["AuditEvent", "AuditHead", "Base", "CalendarDay", "Case", "CaseTimer", "CaseWorkflow", "Department",
<<<<<<< HEAD
           "Document", "DocumentCounter", "FeeCharge", "Group", "GroupMember", "HumanTask", "Item", "ItemVersion",
           "ProcessSpec", "SupervisionCard", "Urge", "User", "UserRole"]
=======
           "Document", "DocumentCounter", "Evaluation", "FeeCharge", "Group", "GroupMember", "HumanTask", "Item", "ItemVersion",
           "Message", "MessageDelivery", "ProcessSpec", "User", "UserRole"]
>>>>>>> wp/accounts
