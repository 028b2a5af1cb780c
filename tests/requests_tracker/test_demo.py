from django.contrib.auth import authenticate

from portal.models import Department
from portal.registry import demo_loaders
from requests_tracker.demo import REQUESTS, demo_load
from requests_tracker.models import Category, Comment, Request, StatusChange, Vote


def test_the_demo_loader_is_registered():
    assert demo_load in demo_loaders()


def test_the_demo_is_idempotent(thessaloniki):
    for name in ["Διεύθυνση Καθαριότητας", "Διεύθυνση Πρασίνου", "Διεύθυνση Οδοποιίας"]:
        Department.objects.create(municipality=thessaloniki, name_el=name)
    said = []
    demo_load(said.append)
    demo_load(said.append)
    assert Request.objects.filter(municipality=thessaloniki).count() == REQUESTS
    assert Category.objects.get(municipality=thessaloniki, is_other=True).name_el == "Άλλο"
    assert Category.objects.get(code="bulky-items").department.name_el == "Διεύθυνση Καθαριότητας"
    assert set(Request.objects.values_list("status", flat=True)) == set(Request.WORKFLOW)
    for request in Request.objects.all():
        assert StatusChange.objects.filter(request=request).last().to_status == request.status
        assert request.vote_count == Vote.objects.filter(request=request).count()
        assert request.comment_count == Comment.objects.filter(request=request).count()
    clerk = authenticate(username="clerk.thessaloniki", password="demo-clerk-2026")
    assert clerk is not None and clerk.has_perm("requests_tracker.change_request")
    assert sum("clerk.thessaloniki / demo-clerk-2026" in line for line in said) == 2


def test_the_demo_skips_a_portal_without_thessaloniki(db):
    said = []
    demo_load(said.append)
    assert said == []


def test_migrate_makes_the_clerks_group(db):
    from django.contrib.auth.models import Group

    from requests_tracker.roles import REQUESTS_OFFICE

    group = Group.objects.get(name=REQUESTS_OFFICE.group)
    assert group.permissions.count() == len(REQUESTS_OFFICE.permissions)
