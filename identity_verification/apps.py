from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityVerificationConfig(AppConfig):
    name = "identity_verification"
    verbose_name = _("Identity verification")

    def ready(self):
        from accounts.registry import PersonalDataSection, register_personal_data
        from accounts.roles import register_staff_role
        from identity_verification import services, statistics
        from identity_verification.demo import demo_load
        from identity_verification.roles import VERIFICATION_OFFICE
        from identity_verification.selectors import case_file_items
        from portal.registry import (
            CaseFileSection,
            DeadlineSource,
            StatisticsSection,
            register_case_file_section,
            register_deadline_source,
            register_demo_loader,
            register_statistics_section,
        )

        register_staff_role(app_label=self.label, role=VERIFICATION_OFFICE)

        register_statistics_section(
            StatisticsSection(
                key="identity_verification",
                title=_("Identity verification"),
                compute=statistics.verification_statistics_compute,
                table=statistics.verification_statistics_table,
                template="identity_verification/statistics_section.html",
                order=40,
            )
        )
        register_deadline_source(
            DeadlineSource(
                key="identity_verification",
                title=_("Identity verification"),
                items=statistics.verification_deadlines,
                order=30,
                list_url=statistics.verification_list_url,
            )
        )
        register_demo_loader(demo_load, order=20)
        register_case_file_section(
            CaseFileSection(
                key="identity_verification", title=_("Identity verification"), items=case_file_items, order=10
            )
        )
        register_personal_data(
            PersonalDataSection(
                key="identity_verification",
                export=services.citizen_data_export,
                erase=services.citizen_data_erase,
            )
        )
