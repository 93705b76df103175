from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mpp.accounts.requests import AuthenticatedRequest
from mpp.notifications import selectors, services
from mpp.notifications.context_processors import InboxRequest
from mpp.notifications.forms import PreferenceForm


@login_required
def inbox(request: InboxRequest) -> HttpResponse:
    summary = selectors.inbox_summary(request.user)
    # The navigation's unread badge reuses this count instead of asking again.
    request.inbox_unread_count = summary.unread
    page = selectors.inbox_page(request.user, request.GET.get("page"), summary=summary)
    return render(
        request,
        "notifications/inbox.html",
        {"page_obj": page, "inbox_messages": page.object_list, "summary": summary},
    )


@login_required
def message(request: AuthenticatedRequest, message_id: int) -> HttpResponse:
    inbox_message = services.mark_read(selectors.message_of(request.user, message_id))
    return render(request, "notifications/message.html", {"message": inbox_message})


@login_required
@require_POST
def mark_all_read(request: AuthenticatedRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    if count:
        messages.success(request, _("Semua pesan sudah ditandai dibaca."))
    return redirect("notifications:inbox")


@login_required
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    preference = selectors.preference_for(request.user)
    form = PreferenceForm.for_user(
        request.user, preference, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_preferences(request.user, **form.cleaned_data)
        except services.PreferenceError as error:
            for field, field_errors in error.errors.items():
                for text in field_errors:
                    form.add_error(field, text)
        else:
            messages.success(request, _("Pengaturan pemberitahuan sudah disimpan."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
