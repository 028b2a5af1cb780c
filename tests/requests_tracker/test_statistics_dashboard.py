"""The staff dashboard as a new user found it (issue 16): the per-category table filled, one rule of overdue and
due soon shared with the staff queue, links only to the lists the person may open, the backlog's empty state and
the department names in the selects."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from identity_verification.roles import VERIFICATION_OFFICE
from requests_tracker import selectors, services
from requests_tracker.models import ERequest, OverdueDigest, Request
from requests_tracker.roles import EREQUESTS_OFFICE
from requests_tracker.selectors import dashboard
from tests.personas import make_clerk as make_staff
from tests.requests_tracker import erequest_fixtures
from tests.requests_tracker.erequest_fixtures import file_erequest
from tests.requests_tracker.fixtures import make_request

pytestmark = pytest.mark.django_db

building = erequest_fixtures.building
erequest_types = erequest_fixtures.erequest_types
verified = erequest_fixtures.verified

FILED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday; potholes and bins are promised 10 working days later
NOW = datetime(2026, 3, 18, 8, 0, tzinfo=UTC)  # past 16 March
DASHBOARD = "/dimos/thessaloniki/statistics/staff/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def three(reporter, categories):
    """Filed 2 March: a pothole promised for 16 March (overdue on the 18th), a bin whose date is moved to 19 March
    (due soon), and a pothole with no promised date at all (neither)."""
    with time_machine.travel(FILED):
        late = make_request(reporter, categories["potholes"], title="Πρώτη")
        soon = make_request(reporter, categories["bins"], title="Δεύτερη")
        undated = make_request(reporter, categories["potholes"], title="Τρίτη")
    Request.objects.filter(pk=soon.pk).update(due_date=date(2026, 3, 19))
    Request.objects.filter(pk=undated.pk).update(due_date=None)
    return late, soon, undated


def test_the_per_category_table_has_each_category_s_name_and_counts(three, clerk):
    with time_machine.travel(NOW):
        page = client_for(clerk).get(DASHBOARD).content.decode()
    assert '<th scope="row">Λακκούβες</th><td>2</td><td>0</td>' in page
    assert '<th scope="row">Κάδοι απορριμμάτων</th><td>1</td><td>0</td>' in page


def test_the_queue_and_the_dashboard_share_one_rule_of_overdue_and_due_soon(three, clerk, thessaloniki):
    late, soon, undated = three
    with time_machine.travel(NOW):
        client = client_for(clerk)
        queue = client.get("/requests/thessaloniki/staff/")
        only_overdue = client.get("/requests/thessaloniki/staff/?overdue=1")
        items = dashboard.request_deadlines(clerk, thessaloniki)
        annotated = {
            row.pk: (row.deadline_overdue, row.deadline_soon)
            for row in selectors.deadline_annotate(Request.objects.all(), today=date(2026, 3, 18))
        }
    assert annotated == {late.pk: (True, False), soon.pk: (False, True), undated.pk: (False, False)}
    assert {item.title.split()[0]: item.overdue for item in items} == {late.code: True, soon.code: False}
    rows = {row.pk: (row.deadline_overdue, row.deadline_soon) for row in queue.context["page"]}
    assert rows == annotated
    assert [row.pk for row in only_overdue.context["page"]] == [late.pk]
    html = queue.content.decode()
    assert html.count("deadline-overdue") == 1 and html.count("deadline-soon") == 1
    # The request page's own badge (the model's twin of the rule) agrees.
    assert late.is_overdue(today=date(2026, 3, 18)) and not Request.objects.get(pk=undated.pk).is_overdue()


def test_a_request_without_a_promised_date_is_in_no_one_s_digest(three, categories):
    _late, _soon, undated = three
    categories["potholes"].department.supervisor_email = "head.roads@thessaloniki.gr"
    categories["potholes"].department.save()
    Request.objects.filter(pk=undated.pk).update(created_at=FILED - timedelta(days=60))
    with time_machine.travel(NOW):
        assert services.overdue_digests_send() == 1
    assert OverdueDigest.objects.get().items == 1  # the late pothole only


def test_links_to_act_only_where_the_person_has_the_right(three, clerk, chania, building):
    requests_page = client_for(clerk).get(DASHBOARD).content.decode()
    assert 'href="/requests/thessaloniki/staff/"' in requests_page
    assert "/e-staff/" not in requests_page and "/admin/identity_verification/" not in requests_page

    # Chania's clerk of e-requests and of the verification office (as the demo's clerk.chania): no requests queue.
    both = make_staff("clerk.chania", chania, roles=(EREQUESTS_OFFICE, VERIFICATION_OFFICE), departments=(building,))
    response = client_for(both).get("/dimos/chania/statistics/staff/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "/requests/chania/staff/" not in page
    assert 'href="/requests/chania/e-staff/"' in page
    assert "/admin/identity_verification/verificationcase/?status__exact=documents_received" in page
    assert 'data-source="requests"' not in page  # not this person's work: no section at all

    erequests_only = make_staff("clerk.ereq", chania, roles=(EREQUESTS_OFFICE,), departments=(building,))
    page = client_for(erequests_only).get("/dimos/chania/statistics/staff/").content.decode()
    assert 'href="/requests/chania/e-staff/"' in page
    assert "/admin/identity_verification/" not in page and "/requests/chania/staff/" not in page
    # No department of their own: no e-requests list either (the queue would refuse them).
    assert dashboard.erequest_list_url(make_staff("clerk.none", chania, roles=(EREQUESTS_OFFICE,)), chania) is None


def test_no_backlog_says_so_in_a_sentence_and_departments_go_by_name(chania, building):
    clerk = make_staff("clerk.ereq", chania, roles=(EREQUESTS_OFFICE,), departments=(building,))
    page = client_for(clerk).get("/dimos/chania/statistics/staff/").content.decode()
    assert 'id="backlog-empty"' in page and 'id="backlog-table"' not in page and 'id="backlog-chart"' not in page
    assert "Δεν υπήρχαν ανοιχτά αιτήματα σε αυτούς τους μήνες" in page
    assert f">{building.name_el}</option>" in page and "(Δήμος Χανίων)</option>" not in page


def test_the_filters_use_the_form_layout_and_the_backlog_table_scrolls_in_its_box(three, clerk):
    with time_machine.travel(NOW):
        page = client_for(clerk).get(DASHBOARD).content.decode()
    assert '<select name="department" class="select form-select"' in page
    assert '<select name="category" class="select form-select"' in page
    table = page.index('id="backlog-table"')
    assert page.rfind('<div class="table-responsive"', 0, table) > page.rfind("</div>", 0, table)
    assert "Χωρίς υπηρεσία ακόμη" not in page  # every request here has a department
    assert "Εκπρόθεσμα και με προθεσμία που λήγει σύντομα" in page
    assert '<th scope="col">Κλειστά</th>' in page


def test_the_e_requests_queue_and_the_dashboard_share_one_rule(chania, building, verified, erequest_types):
    clerk = make_staff("clerk.ereq", chania, roles=(EREQUESTS_OFFICE,), departments=(building,))
    with time_machine.travel(FILED):
        late, ready, soon, undated = (file_erequest(verified, erequest_types["residence"]) for _ in range(4))
    ERequest.objects.filter(pk__in=[late.pk, ready.pk]).update(due_date=date(2026, 3, 16))
    ERequest.objects.filter(pk=ready.pk).update(  # answered, waiting for pick-up
        status=ERequest.Status.READY, delivery_method="pickup", pickup_office="Κυδωνίας 29"
    )
    ERequest.objects.filter(pk=soon.pk).update(due_date=date(2026, 3, 19))
    ERequest.objects.filter(pk=undated.pk).update(due_date=None)
    with time_machine.travel(NOW):
        client = client_for(clerk)
        queue = client.get("/requests/chania/e-staff/?status=all")
        overdue = client.get("/requests/chania/e-staff/?status=overdue")
        items = dashboard.erequest_deadlines(clerk, chania)
    marks = {row.pk: (row.deadline_overdue, row.deadline_soon) for row in queue.context["rows"]}
    assert marks == {
        late.pk: (True, False),
        ready.pk: (False, False),
        soon.pk: (False, True),
        undated.pk: (False, False),
    }
    assert [row.pk for row in overdue.context["rows"]] == [late.pk]
    assert [item.overdue for item in items] == [True, False] and len(items) == 2
    assert queue.content.decode().count("table-danger overdue") == 1


def test_the_deadline_lists_follow_the_filters_link_to_the_overdue_queue_and_stay_short(three, clerk, categories):
    late, soon, _undated = three
    with time_machine.travel(NOW):
        client = client_for(clerk)
        bins_only = client.get(DASHBOARD, {"category": categories["bins"].pk}).content.decode()
        everything = client.get(DASHBOARD).content.decode()
    # The category filter narrows the overdue list as it narrows the figures.
    assert soon.code in bins_only and late.code not in bins_only
    assert late.code in everything and soon.code in everything
    assert 'href="/requests/thessaloniki/staff/?overdue=1"' in everything
    assert "deadline-more" not in everything  # two items: nothing left out

    with time_machine.travel(FILED):
        for number in range(11):
            make_request(late.reporter, categories["potholes"], title=f"Άλλη {number}")
    with time_machine.travel(NOW):
        many = client_for(clerk).get(DASHBOARD).content.decode()
    assert many.count("deadline-item") == 10
    assert "Εμφανίζονται τα 10 πιο επείγοντα· τα υπόλοιπα είναι στη λίστα." in many
