from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# (workflow name, final state) whose object invites its citizen to the survey. The processes
# provide ``skm_subject()``; surveys never imports them (see docs/surveys.md).
INVITING_STATES = (
    ("application", "issued"),
    ("application", "rejected"),
    ("application_without_approval", "issued"),
    ("application_without_approval", "rejected"),
    ("queue_ticket", "served"),
    ("complaint", "closed"),
)


class SurveysConfig(AppConfig):
    name = "mpp.surveys"
    label = "surveys"
    verbose_name = _("Survei Kepuasan Masyarakat")

    def ready(self) -> None:
        from django.urls import reverse

        from mpp.devices.kinds import KINDS, KindPlug
        from mpp.devices.models import DeviceKind
        from mpp.documents.gates import download_gates
        from mpp.notifications.registry import register_kind
        from mpp.surveys import gate, selectors, services
        from mpp.workflows.hooks import hooks

        register_kind(
            "survey.invited",
            label=_("Undangan survei kepuasan"),
            required_context=("unit_name", "expires_at"),
        )
        for workflow, target in INVITING_STATES:
            hooks.register(workflow, services.invite, target=target)
        download_gates.register("surveys", gate.survey_first)
        KINDS.add(
            DeviceKind.SKM_KIOSK,
            KindPlug(
                start_url=lambda _device: reverse("surveys:kiosk"),
                related=("skm_kiosk__service",),
                choice_label=_("Layanan yang dinilai (kios SKM)"),
                choices=selectors.service_choices,
                attach=services.attach_kiosk,
            ),
        )
