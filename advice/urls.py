from django.urls import path

from advice import views

app_name = "advice"
urlpatterns = [
    path("advice/record/", views.record, name="record"),
    path("advice/record/undo/", views.record_undo, name="record_undo"),
    path("advice/topics/", views.topics, name="topics"),
    path("advice/topics/<int:pk>/toggle/", views.topic_toggle, name="topic_toggle"),
    path("advice/outreach-hours/", views.outreach_hours, name="outreach_hours"),
    path("advice/outreach-hours/new/", views.outreach_hours_form, name="outreach_hours_create"),
    path(
        "advice/outreach-hours/<int:pk>/edit/",
        views.outreach_hours_form,
        name="outreach_hours_edit",
    ),
    path(
        "advice/outreach-hours/<int:pk>/absences/new/",
        views.absence_create,
        name="absence_create",
    ),
    path("advice/absences/<int:pk>/delete/", views.absence_delete, name="absence_delete"),
    path("advice/meetings/", views.meetings, name="meetings"),
    path("advice/figures/", views.figures, name="figures"),
    path("advice/figures.csv", views.figures_csv, name="figures_csv"),
    path("advice/figures.xlsx", views.figures_xlsx, name="figures_xlsx"),
    path("advice/my-hours/", views.my_hours, name="my_hours"),
    path(
        "advice/my-hours/absences/<int:pk>/cancel/",
        views.my_absence_cancel,
        name="my_absence_cancel",
    ),
]
