from django.urls import path

from activities.views import activities, calendars, meetings, signups

app_name = "activities"
urlpatterns = [
    path("calendar/", calendars.calendar_view, name="calendar"),
    path("calendar/links/", calendars.link_list, name="link_list"),
    path("calendar/links/new/", calendars.link_create, name="link_create"),
    path("calendar/links/<int:pk>/revoke/", calendars.link_revoke, name="link_revoke"),
    path("calendar/shared/<str:token>/", calendars.shared_calendar, name="shared_calendar"),
    path("calendar/shared/<str:token>/calendar.ics", calendars.calendar_feed, name="calendar_feed"),
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/new/", activities.activity_create, name="activity_create"),
    path("activities/figures/", activities.figures, name="figures"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/sign-up/", signups.signup_create, name="signup_create"),
    path("activities/<int:pk>/participants/", signups.participant_list, name="participant_list"),
    path("activities/<int:pk>/second-team/", signups.second_team, name="second_team"),
    path("activities/sign-ups/<int:pk>/cancel/", signups.signup_cancel, name="signup_cancel"),
    path("occurrences/<int:pk>/cancel/", activities.occurrence_cancel, name="occurrence_cancel"),
    path("occurrences/<int:pk>/move/", activities.occurrence_move, name="occurrence_move"),
    path(
        "occurrences/<int:pk>/attendance/",
        activities.occurrence_attendance,
        name="occurrence_attendance",
    ),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/publish/", meetings.meeting_publish, name="meeting_publish"),
    path("meetings/<int:pk>/agenda/new/", meetings.agenda_item_create, name="agenda_item_create"),
    path("meetings/<int:pk>/decisions/new/", meetings.decision_create, name="decision_create"),
    path("meetings/decisions/<int:pk>/done/", meetings.decision_done, name="decision_done"),
    path("proposals/", meetings.proposal_list, name="proposal_list"),
    path("proposals/new/", meetings.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/answer/", meetings.proposal_respond, name="proposal_respond"),
]
