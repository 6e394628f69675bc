from django.urls import path

from centres import views

app_name = "centres"
urlpatterns = [
    path("centres/<int:pk>/", views.centre_detail, name="detail"),
    path("centres/<int:pk>/profile/", views.profile, name="profile"),
    path("centres/<int:pk>/hours/", views.hours, name="hours"),
    path("centres/<int:pk>/hours/add/", views.hours_edit, name="hours_add"),
    path("centres/<int:pk>/hours/<int:hours_pk>/", views.hours_edit, name="hours_edit"),
    path("centres/<int:pk>/hours/<int:hours_pk>/delete/", views.hours_delete, name="hours_delete"),
    path("centres/<int:pk>/closures/add/", views.closure_add, name="closure_add"),
    path(
        "centres/<int:pk>/closures/<int:closure_pk>/delete/",
        views.closure_delete,
        name="closure_delete",
    ),
    path("centres/<int:pk>/open-days/add/", views.open_day_add, name="open_day_add"),
    path("centres/<int:pk>/tally/", views.tally, name="tally"),
    path("centres/<int:pk>/tally/tap/", views.tally_tap, name="tally_tap"),
    path("centres/<int:pk>/tally/undo/", views.tally_undo, name="tally_undo"),
    path("centres/<int:pk>/tally/day/", views.tally_day, name="tally_day"),
    path("centres/<int:pk>/census/", views.census, name="census"),
    path("centres/<int:pk>/shifts/", views.shifts, name="shifts"),
    path("centres/<int:pk>/shifts/<int:shift_pk>/delete/", views.shift_delete, name="shift_delete"),
    path("centres/<int:pk>/user-run/add/", views.user_run_add, name="user_run_add"),
    path("centres/<int:pk>/user-run/<int:run_pk>/", views.user_run_record, name="user_run_record"),
    path("centres/week/", views.week_plans, name="week_plans"),
    path("centres/<int:pk>/week/", views.week_plan, name="week_plan"),
    path("people/", views.people, name="people"),
    path("access-log/", views.access_log, name="access_log"),
    path("keys/", views.keys, name="keys"),
    path("keys/holders/add/", views.key_holder_edit, name="key_holder_add"),
    path("keys/holders/<int:holder_pk>/", views.key_holder_edit, name="key_holder_edit"),
    path("keys/fobs/add/", views.key_fob_add, name="key_fob_add"),
    path("keys/lend/", views.key_lend, name="key_lend"),
    path("keys/loans/<int:loan_pk>/return/", views.key_return, name="key_return"),
    path("keys/fobs/<int:fob_pk>/lost/", views.key_fob_lost, name="key_fob_lost"),
    path("keys/fobs/<int:fob_pk>/retire/", views.key_fob_retire, name="key_fob_retire"),
    path("keys/fobs/<int:fob_pk>/found/", views.key_fob_found, name="key_fob_found"),
]
urlpatterns += [
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path(
        "people/<int:pk>/reset-second-step/",
        views.person_reset_second_step,
        name="person_reset_second_step",
    ),
    path("people/<int:pk>/invite-again/", views.person_invite_again, name="person_invite_again"),
    path("account/invitation/<str:token>/", views.invitation, name="invitation"),
]
