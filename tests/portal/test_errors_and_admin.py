import pytest
from django.test import RequestFactory
from django.utils import translation

from portal import views


@pytest.mark.parametrize(("language", "heading"), [("el", "Λανθασμένο αίτημα"), ("en", "Bad request")])
def test_bad_request_page(client, db, language, heading):
    path = "/" if language == "el" else "/en/"
    response = client.get(path, HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert heading in response.content.decode()


@pytest.mark.parametrize(
    ("handler", "status", "greek", "english"),
    [
        (views.permission_denied, 403, "Δεν επιτρέπεται η πρόσβαση", "Access denied"),
        (views.page_not_found, 404, "Η σελίδα δεν βρέθηκε", "Page not found"),
    ],
)
def test_error_pages_in_both_languages(handler, status, greek, english):
    request = RequestFactory().get("/")
    for language, text in [("el", greek), ("en", english)]:
        with translation.override(language):
            response = handler(request, Exception())
        assert response.status_code == status
        assert text in response.content.decode()
        assert f'<html lang="{language}">' in response.content.decode()


def test_unexpected_error_page(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("portal.views.selectors.municipalities_lazy", broken)
    client.raise_request_exception = False
    response = client.get("/en/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "a bug" not in response.content.decode()


def test_admin_manages_municipalities_and_departments(admin_client, chania):
    changelist = admin_client.get("/admin/portal/municipality/")
    assert changelist.status_code == 200
    assert "Δήμος Χανίων" in changelist.content.decode()
    change = admin_client.get(f"/admin/portal/municipality/{chania.pk}/change/")
    assert "Υπηρεσία Δόμησης" in change.content.decode()
    assert admin_client.get("/admin/portal/department/").status_code == 200
    assert admin_client.get("/admin/accounts/user/").status_code == 200


def test_outbox_is_for_superusers_only(client, django_user_model, db):
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    assert client.get("/admin/portal/outboundemail/").status_code == 403


def test_a_portal_error_goes_beside_its_field_or_above_the_form():
    from django import forms

    from portal.errors import PortalError

    class NoteForm(forms.Form):
        note = forms.CharField(required=False)

    form = NoteForm({"note": "x"})
    assert form.is_valid()
    PortalError("Too short.", field="note").add_to_form(form)
    PortalError("Not yours.", field="no_such_field").add_to_form(form)
    assert form.errors == {"note": ["Too short."], "__all__": ["Not yours."]}
