from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from portal.models import Department, Municipality
from portal.registry import demo_loaders

DEMO_ADMIN = ("admin", "admin@example.gr", "demo-admin-2026")

MUNICIPALITIES = [
    {
        "slug": "chania",
        "name_el": "Δήμος Χανίων",
        "name_genitive_el": "Δήμου Χανίων",
        "name_accusative_el": "Δήμο Χανίων",
        "name_en": "Municipality of Chania",
        "contact_email": "info@chania.example.gr",
        "contact_phone": "+30 28213 41600",
        "address": "Κυδωνίας 29, 73135 Χανιά",
        "map_center_latitude": "35.513828",
        "map_center_longitude": "24.018038",
        "map_zoom": 14,
        "privacy_policy_el": "Ο Δήμος Χανίων είναι υπεύθυνος επεξεργασίας των δεδομένων που υποβάλλετε στις "
        "ηλεκτρονικές του υπηρεσίες.",
        "privacy_policy_en": "The Municipality of Chania is the controller of the data you submit to its "
        "online services.",
        "departments": [
            ("Υπηρεσία Δόμησης", "Building Service", "ydom@chania.example.gr"),
            (
                "Γραφείο Διαφάνειας και Υποστήριξης του Δημότη",
                "Transparency and Citizen Support Office",
                "dimotis@chania.example.gr",
            ),
            ("Τμήμα Πληροφορικής", "IT Department", "it@chania.example.gr"),
        ],
    },
    {
        "slug": "thessaloniki",
        "name_el": "Δήμος Θεσσαλονίκης",
        "name_genitive_el": "Δήμου Θεσσαλονίκης",
        "name_accusative_el": "Δήμο Θεσσαλονίκης",
        "name_en": "Municipality of Thessaloniki",
        "contact_email": "info@thessaloniki.example.gr",
        "contact_phone": "+30 2313 317777",
        "address": "Βασιλέως Γεωργίου Α΄ 1, 54640 Θεσσαλονίκη",
        "map_center_latitude": "40.629269",
        "map_center_longitude": "22.947412",
        "map_zoom": 13,
        "privacy_policy_el": "Ο Δήμος Θεσσαλονίκης είναι υπεύθυνος επεξεργασίας των αιτημάτων που υποβάλλετε.",
        "privacy_policy_en": "The Municipality of Thessaloniki is the controller of the requests you submit.",
        "departments": [
            ("Διεύθυνση Καθαριότητας", "Cleaning Directorate", "clean@thessaloniki.example.gr"),
            ("Διεύθυνση Πρασίνου", "Parks Directorate", "green@thessaloniki.example.gr"),
            ("Διεύθυνση Οδοποιίας", "Roads Directorate", "roads@thessaloniki.example.gr"),
        ],
    },
]


class Command(BaseCommand):
    help = "Load the demo municipalities, departments and accounts (safe to run again)."

    def handle(self, *args, **options):
        with transaction.atomic():
            logins = self.load()
        # Bulk inserts leave the planner without statistics until autovacuum comes by; the pages' plans need them now.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("Demo logins:")
        for line in logins:
            self.stdout.write(line)

    def load(self) -> list[str]:
        for data in MUNICIPALITIES:
            data = dict(data)
            departments = data.pop("departments")
            municipality, _ = Municipality.objects.update_or_create(slug=data.pop("slug"), defaults=data)
            for name_el, name_en, email in departments:
                Department.objects.update_or_create(
                    municipality=municipality,
                    name_el=name_el,
                    defaults={"name_en": name_en, "email": email},
                )
        username, email, password = DEMO_ADMIN
        admin, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"email": email, "full_name": "Διαχειριστής Πύλης", "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(password)
            admin.save()
        logins = [f"  administrator  {username} / {password}  (http://127.0.0.1:8000/admin/)"]
        for loader in demo_loaders():
            loader(logins.append)
        return logins
