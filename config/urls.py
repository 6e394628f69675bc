import os

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from centres import forms_base, tally_views
from centres.forms import ThrottledPasswordResetForm
from config import reminders, two_factor, views

# An unreachable database answers 503 with Retry-After, not a 500 (config.outage).
handler500 = "config.outage.server_error"

admin.site.site_header = admin.site.site_title = _("Værested administration")
# The admin edits reference data across organisations: superusers only, never a
# leader who happens to have is_staff.
admin.site.login_form = forms_base.AdminSignInForm
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

account_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=forms_base.SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(form_class=forms_base.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "password/changed/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=ThrottledPasswordResetForm),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms_base.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("reminders/", reminders.reminders, name="reminders"),
    path("two-factor/", two_factor.setup, name="two_factor"),
    path("two-factor/qr.svg", two_factor.qr_code, name="two_factor_qr"),
    path("two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("two-factor/backup-codes/", two_factor.new_backup_codes, name="two_factor_backup_codes"),
    path("two-factor/remove/", two_factor.remove, name="two_factor_remove"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("todo/count/", views.todo_count, name="todo_count"),
    path("csp-report/", views.csp_report, name="csp_report"),
    # The counter's service worker: at the root, so its scope can hold the counter.
    path("sw.js", tally_views.service_worker, name="service_worker"),
    path("dashboard/", include("config.dashboard.urls")),
    path("", include("centres.urls")),
    path("", include("activities.urls")),
    path("", include("advice.urls")),
    path("", include("incidents.urls")),
    path("account/", include(account_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# For `make load` only: the cost of the bare stack, to compare the app's pages with. The
# bench package is not installed on app servers, so it is imported only here.
if os.environ.get("VAERESTED_BENCH_VIEWS") == "1":
    from bench import views as bench_views

    urlpatterns.append(path("bench/plain/", bench_views.plain, name="bench_plain"))
