"""The signed-in person's own reminder settings: the daily e-mail and its language."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from centres import forms_base
from centres.models import User


class ReminderSettingsForm(forms_base.ModelForm):
    class Meta:
        model = User
        fields = ["receives_digest", "language"]


@login_required
@require_http_methods(["GET", "POST"])
def reminders(request):
    """Turn the daily reminder e-mail on or off and choose its language."""
    form = ReminderSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("reminders")
    return render(request, "reminders.html", {"form": form, "has_email": bool(request.user.email)})
