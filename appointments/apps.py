from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self):
        from accounts.registry import PersonalDataSection, register_personal_data
        from appointments import availability, case_file, documents, services, statistics, waitlist
        from appointments.demo import demo_load
        from appointments.models import Appointment, Holiday
        from portal.celery import beat_register
        from portal.metrics import counts_by
        from portal.registry import (
            CaseFileSection,
            MetricSource,
            PortalService,
            StatisticsSection,
            register_case_file_section,
            register_demo_loader,
            register_local_holidays,
            register_metric,
            register_service,
            register_statistics_section,
        )

        register_service(
            PortalService(
                key="appointments",
                title=_("Appointments"),
                description=_("Book an appointment with a clerk, in person or by video call."),
                url_name="appointments:start",
                order=10,
            )
        )
        register_demo_loader(demo_load, order=30)
        register_metric(
            MetricSource(
                name="appointments",
                documentation="Appointments stored, by status (booked, cancelled, held, …).",
                label_names=("status",),
                values=lambda: counts_by(Appointment.objects.all(), "status"),
            )
        )
        register_statistics_section(
            StatisticsSection(
                key="appointments",
                title=_("Appointments"),
                compute=statistics.appointments_statistics_compute,
                table=statistics.appointments_statistics_table,
                template="appointments/statistics_section.html",
                order=20,
            )
        )
        # The municipality's own holidays count in every app's working days (the core's calendar asks here).
        register_local_holidays(
            lambda municipality_id, first, last: Holiday.objects.filter(
                municipality_id=municipality_id, date__range=(first, last)
            ).values_list("date", flat=True)
        )
        # The free-slot page's cache forgets a municipality's times when its bookings, hours or services change.
        availability.connect_signals()
        # Every five minutes: a reminder is due from 24 h (or 2 h) before; a sent-at flag sends each once.
        beat_register("appointments-reminders", task="appointments.tasks.reminders_send", schedule=300.0)
        # Meetings a refused publish never created, and cancelled meetings still open at the provider.
        beat_register("appointments-meetings-reconcile", task="appointments.tasks.meetings_reconcile", schedule=300.0)
        # Every minute: offers whose hold ran out pass to the next waiting citizen; freed times a refused publish
        # left unoffered are offered; waitlist entries past their days expire. (Lost when the beat entries moved
        # out of portal/celery.py.)
        beat_register("appointments-waitlist-reconcile", task="appointments.tasks.waitlist_reconcile", schedule=60.0)
        # Data minimisation: documents go a set number of days after their appointment.
        beat_register("appointments-documents-purge", task="appointments.tasks.documents_purge", schedule=3600.0)
        # Before "appointments": its erase detaches the bookings from the citizen, and these are found through them.
        register_personal_data(
            PersonalDataSection(
                key="appointments_documents", export=documents.citizen_data_export, erase=documents.citizen_data_erase
            )
        )
        register_personal_data(
            PersonalDataSection(
                key="appointments",
                export=services.citizen_data_export,
                erase=services.citizen_data_erase,
                consequences=services.citizen_erase_consequences,
            )
        )
        register_personal_data(
            PersonalDataSection(
                key="appointments_waitlist", export=waitlist.citizen_data_export, erase=waitlist.citizen_data_erase
            )
        )
        register_case_file_section(
            CaseFileSection(
                key="appointments_waitlist",
                title=_("Waitlists"),
                items=case_file.waitlist_items,
                order=21,
                empty_text=_("You are on no waitlist."),
            )
        )
        register_case_file_section(
            CaseFileSection(
                key="appointments",
                title=_("Appointments"),
                items=case_file.appointment_items,
                order=20,
                empty_text=_("You have no appointments."),
                action=case_file.new_booking_action,
            )
        )
