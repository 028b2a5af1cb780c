"""Forms, by domain; every form is re-exported here."""

from requests_tracker.forms.citizen_requests import (
    CategoryForm,
    CommentForm,
    CommentSignatureForm,
    DepartmentForm,
    RequestForm,
    StatusForm,
)
from requests_tracker.forms.erequests import AnswerForm, DispatchForm, ERequestForm, RejectForm, StepForm
from requests_tracker.forms.shared import MultipleFileField, MultipleFileInput

__all__ = [
    "AnswerForm",
    "CategoryForm",
    "CommentForm",
    "CommentSignatureForm",
    "DepartmentForm",
    "DispatchForm",
    "ERequestForm",
    "MultipleFileField",
    "MultipleFileInput",
    "RejectForm",
    "RequestForm",
    "StatusForm",
    "StepForm",
]
