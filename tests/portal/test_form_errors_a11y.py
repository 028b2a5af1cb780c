"""One way to draw a form: crispy-forms' bootstrap5 pack with the project's error summary and field error block.

Each kind of form (a whole form through `|crispy`, a select drawn with `as_crispy_field`, allauth's own element
fields, a form with only form-wide errors) marks a field with an error `aria-invalid` and describes it by ids that
exist.
"""

import pytest
from django import forms
from django.template import Context, Template
from django.template.base import Origin
from django.template.loader import render_to_string
from django.urls import reverse

from portal import timezones
from tests.forms_a11y import alerts, assert_error_described, invalid_fields

pytestmark = pytest.mark.django_db


def test_an_unknown_time_zone_is_refused_and_described(client):
    response = client.post(reverse("portal:time_zone"), {"time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 400
    page = response.content.decode()
    assert_error_described(page, "id_time_zone", "Επιλέξτε ζώνη ώρας από τη λίστα.")
    assert alerts(page) == ["Επιλέξτε ζώνη ώρας από τη λίστα."]
    assert timezones.COOKIE_NAME not in response.cookies


def test_a_known_time_zone_is_kept_in_the_cookie(client):
    response = client.post(reverse("portal:time_zone"), {"time_zone": "Europe/London", "next": "/requests/"})
    assert response.status_code == 302 and response["Location"] == "/requests/"
    assert response.cookies[timezones.COOKIE_NAME].value == "Europe/London"


def test_a_whole_crispy_form_describes_its_field_and_announces_the_summary(client):
    # The username reminder is drawn with `{{ form|crispy }}`.
    response = client.post(reverse("accounts:username_reminder"), {"email": "not-an-address"})
    page = response.content.decode()
    error = response.context["form"].errors["email"][0]
    assert_error_described(page, "id_email", error)
    assert alerts(page) == ["Διορθώστε τα παρακάτω λάθη.", error]


class _Refused(forms.Form):
    name = forms.CharField(label="Όνομα", help_text="Όπως στην ταυτότητα.")

    def clean(self):
        raise forms.ValidationError("Κάτι δεν πήγε καλά με τη φόρμα.")


def test_form_wide_errors_alone_are_an_alert_without_the_field_heading():
    form = _Refused({"name": "Ελένη"})
    page = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))
    assert alerts(page) == ["Κάτι δεν πήγε καλά με τη φόρμα."]
    assert invalid_fields(page) == {}
    assert 'aria-describedby="id_name_helptext"' in page and 'id="id_name_helptext"' in page


def test_a_field_with_an_error_and_help_is_described_by_both():
    form = _Refused({"name": ""})
    page = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))
    described = assert_error_described(page, "id_name", "Αυτό το πεδίο είναι απαραίτητο.")
    assert described.descriptions == {
        "id_name_helptext": "Όπως στην ταυτότητα.",
        "id_name_error": "Αυτό το πεδίο είναι απαραίτητο.",
    }


def test_an_allauth_element_field_with_an_error_points_at_its_error_and_help():
    form = _Refused({"name": ""})
    # allauth's element tag wants its template's name, as every template loaded from a file has.
    page = Template(
        "{% load allauth %}"
        '{% element field id=form.name.auto_id name="name" type="text" value=form.name.value errors=form.name.errors %}'
        "{% slot label %}Όνομα{% endslot %}{% slot help_text %}Όπως στην ταυτότητα.{% endslot %}"
        "{% endelement %}",
        origin=Origin("element_field_test.html", template_name="element_field_test.html"),
    ).render(Context({"form": form}))
    described = assert_error_described(page, "id_name", "Αυτό το πεδίο είναι απαραίτητο.")
    assert set(described.descriptions) == {"id_name_helptext", "id_name_error"}


def test_the_shared_summary_says_both_kinds_of_error_in_one_alert():
    form = _Refused({"name": ""})
    page = render_to_string("bootstrap5/errors.html", {"form": form})
    assert alerts(page) == ["Κάτι δεν πήγε καλά με τη φόρμα. Διορθώστε τα παρακάτω λάθη."]
