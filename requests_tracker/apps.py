from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsTrackerConfig(AppConfig):
    name = "requests_tracker"
    verbose_name = _("Citizen requests")

    def ready(self):
        # The cached public pages (requests_tracker.caching) follow saves and deletions made outside the services,
        # such as the admin's; the services move the version themselves where they update() rows.
        from django.db.models.signals import post_delete, post_save

        from accounts.registry import (
            AccountSetting,
            PersonalDataSection,
            register_account_setting,
            register_personal_data,
        )
        from accounts.roles import register_staff_role
        from portal.celery import beat_register
        from portal.metrics import counts_by
        from portal.registry import (
            CaseFileSection,
            MetricSource,
            PortalService,
            ReferenceSource,
            register_case_file_section,
            register_demo_loader,
            register_metric,
            register_reference_source,
            register_service,
        )
        from requests_tracker import case_file, selectors, services
        from requests_tracker.caching import model_changed
        from requests_tracker.demo import demo_load, demo_load_erequests
        from requests_tracker.models import Category, ERequest, Request
        from requests_tracker.roles import EREQUESTS_OFFICE, PAYMENTS_OFFICE, REQUESTS_OFFICE

        for model in (Request, Category):
            post_save.connect(model_changed, sender=model, dispatch_uid=f"requests_cache_{model.__name__}_saved")
            post_delete.connect(model_changed, sender=model, dispatch_uid=f"requests_cache_{model.__name__}_deleted")

        register_staff_role(app_label=self.label, role=REQUESTS_OFFICE)
        register_staff_role(app_label=self.label, role=EREQUESTS_OFFICE)
        register_staff_role(app_label=self.label, role=PAYMENTS_OFFICE)
        register_account_setting(
            AccountSetting(
                key="requests_comment_signature",
                label=_("My comments on citizen requests are signed"),
                describe=lambda user: selectors.comment_signature(user=user),
                url_name="requests_tracker:comment_signature",
            )
        )
        # Beat: e-requests the protocol could not number at filing, card orders and refunds still pending, and
        # uploads staged on the request form but never filed (deleted a day later).
        beat_register(
            "requests-erequests-number-pending", task="requests_tracker.tasks.erequests_number_pending", schedule=300.0
        )
        beat_register(
            "requests-payments-reconcile", task="requests_tracker.tasks.payments_reconcile_pending", schedule=600.0
        )
        # Service levels: the 80 % reminder (hourly; each request once) and the supervisors' daily digest (hourly
        # too, sent once a day: the OverdueDigest row per department and day guards it).
        beat_register(
            "requests-service-level-reminders", task="requests_tracker.tasks.service_level_reminders", schedule=3600.0
        )
        beat_register("requests-overdue-digests", task="requests_tracker.tasks.overdue_digests", schedule=3600.0)
        beat_register("requests-statistics-refresh", task="requests_tracker.tasks.statistics_refresh", schedule=900.0)
        beat_register(
            "requests-staged-uploads-purge", task="requests_tracker.tasks.staged_uploads_purge", schedule=3600.0
        )

        register_service(
            PortalService(
                key="requests",
                title=_("Citizen requests"),
                description=_("Report a problem in your neighbourhood on the map and follow its progress."),
                url_name="requests_tracker:start",
                order=20,
            )
        )
        register_service(
            PortalService(
                key="statistics",
                title=_("Service levels in numbers"),
                description=_("How fast the municipality answers and closes citizen requests, with data to download."),
                url_name="requests_statistics:page",
                order=90,
            )
        )
        from portal.registry import (
            DeadlineSource,
            StatisticsSection,
            register_deadline_source,
            register_statistics_section,
        )
        from requests_tracker.selectors import dashboard, statistics_erequests

        register_statistics_section(
            StatisticsSection(
                key="erequests",
                title=_("E-requests"),
                compute=statistics_erequests.erequests_statistics_compute,
                table=statistics_erequests.erequests_statistics_table,
                template="requests_tracker/statistics/erequests.html",
                order=30,
            )
        )
        register_deadline_source(
            DeadlineSource(
                key="requests",
                title=_("Citizen requests"),
                items=dashboard.request_deadlines,
                order=10,
                list_url=dashboard.request_deadlines_url,
            )
        )
        register_deadline_source(
            DeadlineSource(
                key="erequests",
                title=_("E-requests"),
                items=dashboard.erequest_deadlines,
                order=20,
                list_url=dashboard.erequest_list_url,
            )
        )
        register_demo_loader(demo_load, order=40)
        register_metric(
            MetricSource(
                name="requests",
                documentation="Citizen requests stored, by status (registered, in progress, closed, …).",
                label_names=("status",),
                values=lambda: counts_by(Request.objects.all(), "status"),
            )
        )
        register_metric(
            MetricSource(
                name="erequests",
                documentation="E-requests stored, by status.",
                label_names=("status",),
                values=lambda: counts_by(ERequest.objects.all(), "status"),
            )
        )
        register_demo_loader(demo_load_erequests, order=45)
        register_personal_data(
            PersonalDataSection(
                key="requests_tracker",
                export=services.requests_data_export,
                erase=services.requests_data_erase,
            )
        )
        register_service(
            PortalService(
                key="erequests",
                title=_("E-requests"),
                description=_(
                    "Apply online for certificates and attestations; your application gets a protocol number."
                ),
                url_name="requests_tracker:erequest_types",
                order=25,
            )
        )
        register_personal_data(
            PersonalDataSection(
                key="requests_tracker.erequests",
                export=services.erequests_data_export,
                erase=services.erequests_data_erase,
            )
        )
        register_case_file_section(
            CaseFileSection(
                key="requests",
                title=_("Citizen requests"),
                items=case_file.request_items,
                order=40,
                empty_text=_("You have not filed or voted on any request."),
            )
        )
        register_reference_source(
            ReferenceSource(
                key="erequests",
                choices=lambda user, municipality: selectors.erequests_for_reference(
                    citizen=user, municipality=municipality
                ),
                staff_url=lambda user, municipality, reference: selectors.erequest_staff_url(
                    user=user, municipality=municipality, reference=reference
                ),
            )
        )
        register_personal_data(
            PersonalDataSection(
                key="requests_tracker.payments",
                export=services.payments_data_export,
                erase=services.payments_data_erase,
            )
        )
        register_case_file_section(
            CaseFileSection(
                key="payments",
                title=_("Payments"),
                items=case_file.payment_items,
                order=35,
                empty_text=_("You have nothing to pay and no payments."),
            )
        )
        register_case_file_section(
            CaseFileSection(
                key="erequests",
                title=_("E-requests"),
                items=case_file.erequest_items,
                order=30,
                empty_text=_("You have not filed any e-request."),
                action=case_file.erequest_action,
            )
        )
