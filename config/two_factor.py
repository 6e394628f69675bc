"""Two-factor sign-in: an authenticator app (TOTP) with backup codes, on django-otp.

Anyone may turn it on; leaders and safety representatives must (see
User.requires_two_factor and TwoFactorRequiredMiddleware). A session is verified when
django-otp's session key names one of the user's confirmed devices.
"""

import re
from base64 import b32encode
from io import BytesIO

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from centres.forms_base import Form

# Set at sign-in for a user who has a device, so the session stays limited until a code
# is given. Leaders and safety representatives are limited by their role alone.
PENDING_SESSION_KEY = "two_factor_pending"
BACKUP_CODE_COUNT = 10
TOTP_CODE = re.compile(r"^\d{6}$")


@receiver(user_logged_in, dispatch_uid="two_factor_pending")
def mark_session_pending(sender, request, user, **kwargs):
    if request is not None and user_has_device(user, confirmed=True):
        request.session[PENDING_SESSION_KEY] = True


def held_at_second_step(request):
    """Whether the signed-in user still owes a one-time code (or, where one is required,
    has yet to set up an app): such a session opens nothing but the two-factor pages."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return user.requires_two_factor or bool(request.session.get(PENDING_SESSION_KEY))


def app_device(user):
    """Return the user's confirmed authenticator-app device, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user):
    """Return the unconfirmed app device the user is setting up, made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(
        user=user, name=_("Authenticator app"), confirmed=False
    )


def may_enrol(request):
    """Whether the user may set up an app now: none yet, and any other device already used
    in this session (a stolen password alone must not add an attacker's phone)."""
    user = request.user
    if app_device(user) is not None:
        return False
    return user.is_verified() or not user_has_device(user, confirmed=True)


@transaction.atomic
def replace_backup_codes(user):
    """Give the user a fresh set of single-use backup codes; return them."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "backup", "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def grouped(secret):
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class CodeForm(Form):
    """A six-digit code from the app, or a backup code, checked against `devices`."""

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.devices = devices
        self.device = None

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).lower()
        # App codes go to the app, backup codes to the backup device: a right code for one
        # must not count as a wrong try against the other and slow it down.
        model = TOTPDevice if TOTP_CODE.match(code) else StaticDevice
        throttled = False
        with transaction.atomic():
            for device in self.devices.filter(model).select_for_update():
                if not device.verify_is_allowed()[0]:
                    throttled = True
                elif device.verify_token(code):
                    self.device = device
                    return code
        if throttled:
            raise ValidationError(
                _("Too many wrong codes in a row. Wait a minute, then try again."),
                code="throttled",
            )
        raise ValidationError(
            _("The code is not right. Use the newest code from the app, or a backup code."),
            code="wrong",
        )


class Devices:
    """The user's devices of each kind, as the form asks for them."""

    def __init__(self, user, confirmed=True):
        self.user = user
        self.confirmed = confirmed

    def filter(self, model):
        return model.objects.filter(user=self.user, confirmed=self.confirmed)


class RemoveForm(Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not right."), code="wrong")
        return password


def next_url(request):
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "home"


def verified(request, device):
    """Mark the session as past the second step, under a new session key: whoever knew
    the key of the password-only session (a fixed or stolen cookie) is left with nothing."""
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session.cycle_key()


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """The two-factor page: set up an app, or see and change the one in use."""
    user = request.user
    device = app_device(user)
    if device is not None:
        if not user.is_verified():
            return redirect("two_factor_verify")
        form = RemoveForm(user=user)
        return render(
            request,
            "two_factor/manage.html",
            {"device": device, "codes_left": backup_codes_left(user), "form": form},
        )
    if not may_enrol(request):
        return redirect("two_factor_verify")
    enrolling = enrolment_device(user)
    form = CodeForm(request.POST or None, devices=Devices(user, confirmed=False))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            TOTPDevice.objects.filter(pk=enrolling.pk).update(confirmed=True)
            enrolling.confirmed = True
            codes = replace_backup_codes(user)
        verified(request, enrolling)
        return render(request, "two_factor/backup_codes.html", {"codes": codes, "new": True})
    secret = b32encode(enrolling.bin_key).decode()
    return render(
        request,
        "two_factor/setup.html",
        {"form": form, "secret": grouped(secret), "required": user.requires_two_factor},
    )


@login_required
def qr_code(request):
    """The QR code of the app being set up, as an SVG image (never cached)."""
    if not may_enrol(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    device = enrolment_device(request.user)
    svg = BytesIO()
    segno.make(device.config_url, error="m").save(
        svg, kind="svg", scale=5, border=2, xmldecl=False, title=_("QR code for the app")
    )
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """Ask for the second step after the password."""
    user = request.user
    if user.is_verified():
        return redirect(next_url(request))
    if not user_has_device(user, confirmed=True):
        return redirect("two_factor")
    form = CodeForm(request.POST or None, devices=Devices(user))
    if request.method == "POST" and form.is_valid():
        verified(request, form.device)
        if isinstance(form.device, StaticDevice):
            messages.warning(
                request,
                _("Backup code used: %(count)d left. Make new ones under Two-factor sign-in.")
                % {"count": form.device.token_set.count()},
            )
        return redirect(next_url(request))
    return render(request, "two_factor/verify.html", {"form": form, "next": next_url(request)})


def verified_app_device(request):
    device = app_device(request.user)
    if device is None or not request.user.is_verified():
        raise Http404
    return device


@login_required
@require_POST
def new_backup_codes(request):
    """Replace the backup codes and show the new ones once."""
    verified_app_device(request)
    codes = replace_backup_codes(request.user)
    return render(request, "two_factor/backup_codes.html", {"codes": codes, "new": False})


@login_required
@require_POST
def remove(request):
    """Turn two-factor sign-in off after the password is given again."""
    device = verified_app_device(request)
    user = request.user
    form = RemoveForm(request.POST, user=user)
    if not form.is_valid():
        return render(
            request,
            "two_factor/manage.html",
            {"device": device, "codes_left": backup_codes_left(user), "form": form},
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session.cycle_key()  # a change of privilege gets a key of its own
    if user.requires_two_factor:
        messages.info(request, _("Two-factor sign-in is off. Set up a new app to go on."))
    else:
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("two_factor")
