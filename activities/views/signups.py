"""Sign-ups to an activity or a course, their cancellation and the participant list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities import services
from activities.forms import SignUpForm
from activities.models import Activity, SignUp, SignUpStatus
from activities.views.common import form_page, get_scoped, managed_activity
from centres.access import CENTRE_WORKERS


@login_required
def signup_create(request, pk):
    activity = managed_activity(request, pk)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signup = services.sign_up_create(
            activity=activity,
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
        )
        if signup.status == SignUpStatus.CONFIRMED:
            messages.success(request, _("%(name)s has a place.") % {"name": signup.name})
        else:
            messages.warning(
                request, _("It is full: %(name)s is on the waitlist.") % {"name": signup.name}
            )
        return redirect(activity)
    return form_page(request, "activities/signup_form.html", {"form": form, "activity": activity})


@require_POST
@login_required
def second_team(request, pk):
    """Open a second team for a full course and move its waitlist there."""
    course = managed_activity(request, pk)
    if not course.is_course or not course.signups.filter(status=SignUpStatus.WAITLIST).exists():
        messages.error(
            request, _("Only a course with people on the waitlist can get a second team.")
        )
        return redirect(course)
    team = services.course_second_team(course=course)
    messages.success(request, _("The second team is open and the waitlist has moved there."))
    return redirect(team)


@require_POST
@login_required
def signup_cancel(request, pk):
    signup = get_scoped(
        request,
        SignUp.objects.filter(activity__in=Activity.objects.for_user(request.user)),
        pk,
        CENTRE_WORKERS,
    )
    activity = managed_activity(request, signup.activity_id)
    promoted = services.sign_up_cancel(signup=signup)
    messages.success(request, _("The sign-up is cancelled."))
    if promoted:
        messages.info(request, _("%(name)s moved up from the waitlist.") % {"name": promoted.name})
    return redirect(activity)


@login_required
def participant_list(request, pk):
    """A printable list of who has a place and who waits, for the trip leader."""
    activity = managed_activity(request, pk)
    signups = activity.signups.exclude(status=SignUpStatus.CANCELLED)
    return render(
        request,
        "activities/participant_list.html",
        {
            "activity": activity,
            "next": activity.occurrences.filter(start__gte=timezone.now()).first(),
            "confirmed": [s for s in signups if s.status == SignUpStatus.CONFIRMED],
            "waitlist": [s for s in signups if s.status == SignUpStatus.WAITLIST],
        },
    )
