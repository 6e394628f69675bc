from django.urls import path

from activities import views

app_name = "activities"
urlpatterns = [
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/links/", views.link_list, name="link_list"),
    path("calendar/links/new/", views.link_create, name="link_create"),
    path("calendar/links/<int:pk>/revoke/", views.link_revoke, name="link_revoke"),
    path("calendar/shared/<str:token>/", views.shared_calendar, name="shared_calendar"),
    path("calendar/shared/<str:token>/calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/figures/", views.figures, name="figures"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/sign-up/", views.signup_create, name="signup_create"),
    path("activities/<int:pk>/participants/", views.participant_list, name="participant_list"),
    path("activities/<int:pk>/second-team/", views.second_team, name="second_team"),
    path("activities/sign-ups/<int:pk>/cancel/", views.signup_cancel, name="signup_cancel"),
    path("occurrences/<int:pk>/cancel/", views.occurrence_cancel, name="occurrence_cancel"),
    path("occurrences/<int:pk>/move/", views.occurrence_move, name="occurrence_move"),
    path(
        "occurrences/<int:pk>/attendance/",
        views.occurrence_attendance,
        name="occurrence_attendance",
    ),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/publish/", views.meeting_publish, name="meeting_publish"),
    path("meetings/<int:pk>/agenda/new/", views.agenda_item_create, name="agenda_item_create"),
    path("meetings/<int:pk>/decisions/new/", views.decision_create, name="decision_create"),
    path("meetings/decisions/<int:pk>/done/", views.decision_done, name="decision_done"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/answer/", views.proposal_respond, name="proposal_respond"),
]
