"""The tablet by the door (kiosk): pairing, its home with the safety card, the leader's
list of tablets, and the printable safety card."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centres import safety
from centres.access import get_centre_for, kiosk_of, log_access, no_store, role_required
from centres.forms import KioskDeviceForm, PairingForm
from centres.kiosk import set_kiosk_cookie
from centres.models import AccessAction, AccessSubject, KioskDevice, Role

CODE_SESSION_KEY = "centres:kiosk_code:{pk}"


# --- On the tablet -----------------------------------------------------------------------


@no_store
def kiosk_pair(request):
    """Public: type the code the leader was shown; the tablet is then paired for a year."""
    form = PairingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        with transaction.atomic():
            valid = form.is_valid()
        if valid:
            if request.user.is_authenticated:
                logout(request)  # a tablet is nobody's account
            response = redirect("centres:kiosk_home")
            set_kiosk_cookie(response, form.token)
            messages.success(
                request,
                _("The tablet is connected to %(centre)s.") % {"centre": form.device.centre},
            )
            return response
    return render(request, "centres/kiosk_pair.html", {"form": form})


def kiosk_home(request):
    """The tablet's home: in user-run hours the safety card first (with the key holder
    responsible now), otherwise today's opening and activities."""
    kiosk = kiosk_of(request)
    if kiosk is None:
        return redirect("home" if request.user.is_authenticated else "centres:kiosk_pair")
    day = safety.kiosk_day(kiosk.centre)
    if day.key_holder is not None:
        # The one piece of person data a tablet shows: logged with the tablet as reader.
        log_access(
            request,
            AccessAction.VIEW,
            AccessSubject.KEY_HOLDER,
            object_id=day.key_holder.pk,
            aliases=day.key_holder.access_aliases,
        )
    return render(
        request,
        "centres/kiosk_home.html",
        {
            "centre": kiosk.centre,
            "day": day,
            "phones": safety.phone_lines(kiosk.centre),
            "emergency": safety.EMERGENCY_NUMBER,
        },
    )


# --- The leader's list of tablets ------------------------------------------------------------


def _device_for(request, pk):
    return get_object_or_404(KioskDevice.objects.for_user(request.user), pk=pk)


def _show_code_once(request, device, code):
    request.session[CODE_SESSION_KEY.format(pk=device.pk)] = code
    return redirect("centres:kiosk_code", pk=device.pk)


@no_store
@role_required(Role.LEADER)
def kiosks(request):
    """The organisation's tablets, and a form to register one (its code is shown next)."""
    form = KioskDeviceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = form.save(commit=False)
            device.created_by = request.user
            device.save()
            code = device.new_code()
        return _show_code_once(request, device, code)
    devices = KioskDevice.objects.for_user(request.user).select_related("centre")
    return render(
        request,
        "centres/kiosks.html",
        {"form": form, "devices": devices, "now": timezone.now()},
    )


@no_store
@role_required(Role.LEADER)
def kiosk_code(request, pk):
    """The pairing code, shown once: reloaded, the page offers a new code instead."""
    device = _device_for(request, pk)
    code = request.session.pop(CODE_SESSION_KEY.format(pk=device.pk), None)
    return render(
        request,
        "centres/kiosk_code.html",
        {"device": device, "code": code and f"{code[:4]}-{code[4:]}"},
    )


@require_POST
@role_required(Role.LEADER)
def kiosk_new_code(request, pk):
    """A fresh code for a tablet that is not revoked (the old code stops working)."""
    device = _device_for(request, pk)
    if device.is_revoked:
        messages.error(request, _("The tablet is revoked. Register it again."))
        return redirect("centres:kiosks")
    return _show_code_once(request, device, device.new_code())


@role_required(Role.LEADER)
def kiosk_rename(request, pk):
    device = _device_for(request, pk)
    form = KioskDeviceForm(request.POST or None, instance=device, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The tablet is renamed."))
        return redirect("centres:kiosks")
    return render(
        request,
        "centres/form.html",
        {"form": form, "title": _("Rename the tablet"), "back_url": reverse("centres:kiosks")},
    )


@role_required(Role.LEADER)
def kiosk_revoke(request, pk):
    """Ask first (GET), then revoke (POST): the tablet is out at its next request."""
    device = _device_for(request, pk)
    if request.method == "POST" and not device.is_revoked:
        device.revoke()
        messages.success(
            request, _("“%(name)s” is revoked. It can no longer be used.") % {"name": device.name}
        )
        return redirect("centres:kiosks")
    if request.method == "POST":
        return redirect("centres:kiosks")
    return render(request, "centres/kiosk_revoke.html", {"device": device})


# --- The printed card ------------------------------------------------------------------------


@login_required
def safety_card(request, pk):
    """The centre's safety card, A4 for the notice board: 112, what to do, whom to call,
    when staff are there. It names no key holder (the tablet shows who it is now)."""
    centre = get_centre_for(request, pk)
    return render(
        request,
        "centres/safety_card.html",
        {
            "centre": centre,
            "hours": safety.weekly_hours(centre),
            "phones": safety.phone_lines(centre),
            "emergency": safety.EMERGENCY_NUMBER,
            "today": timezone.localdate(),
        },
    )
