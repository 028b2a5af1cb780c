"""Forms, by domain; every form is re-exported here."""

from requests_tracker.forms.citizen_requests import (
    CategoryForm,
    CommentForm,
    CommentSignatureForm,
    DepartmentForm,
    DueDateForm,
    ReopenForm,
    RequestForm,
    StatusForm,
)
from requests_tracker.forms.erequests import (
    AnswerForm,
    DispatchForm,
    ERequestForm,
    PickupReadyForm,
    RejectForm,
    StepForm,
)
from requests_tracker.forms.payments import FeeIssueForm, StatementImportForm
from requests_tracker.forms.shared import MultipleFileField, MultipleFileInput

__all__ = [
    "AnswerForm",
    "CategoryForm",
    "CommentForm",
    "CommentSignatureForm",
    "DepartmentForm",
    "DispatchForm",
    "DueDateForm",
    "ERequestForm",
    "FeeIssueForm",
    "MultipleFileField",
    "MultipleFileInput",
    "PickupReadyForm",
    "RejectForm",
    "ReopenForm",
    "RequestForm",
    "StatementImportForm",
    "StatusForm",
    "StepForm",
]
