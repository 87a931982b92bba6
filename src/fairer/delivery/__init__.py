"""Act and learn: action plans with RAG status, inequality impact assessments, a learning log."""

from fairer.delivery.actions import ActionPlan, rag_status, read_action_plan, write_action_plan
from fairer.delivery.impact import Assessment, read_assessment, write_assessment
from fairer.delivery.learning import read_learning_log, write_learning_log

__all__ = [
    "ActionPlan",
    "Assessment",
    "rag_status",
    "read_action_plan",
    "read_assessment",
    "read_learning_log",
    "write_action_plan",
    "write_assessment",
    "write_learning_log",
]
