"""Forms, by domain; every form is re-exported here."""

from requests_tracker.forms.citizen_requests import (
    CategoryForm,
    CommentForm,
    CommentSignatureForm,
    DepartmentForm,
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
    "ERequestForm",
    "FeeIssueForm",
    "MultipleFileField",
    "MultipleFileInput",
    "PickupReadyForm",
    "RejectForm",
    "RequestForm",
    "StatementImportForm",
    "StatusForm",
    "StepForm",
]
