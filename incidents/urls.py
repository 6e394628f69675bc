from django.urls import path

from incidents import review_views, views

app_name = "incidents"
urlpatterns = [
    path("incidents/", views.incident_list, name="list"),
    path("incidents/quick/", views.incident_quick, name="quick"),
    path("incidents/new/", views.incident_create, name="create"),
    path("incidents/overview/", views.overview, name="overview"),
    path("incidents/<int:pk>/", views.incident_detail, name="detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="edit"),
    path("incidents/<int:pk>/print/", views.incident_print, name="print"),
    path("incidents/<int:pk>/advance/", views.incident_advance, name="advance"),
    path("incidents/<int:pk>/reporting/", views.incident_reporting, name="reporting"),
    path("incidents/<int:pk>/follow-ups/new/", views.follow_up_create, name="follow_up_create"),
    path(
        "incidents/<int:pk>/follow-ups/<int:item_pk>/done/",
        views.follow_up_done,
        name="follow_up_done",
    ),
    path("incidents/bans/", views.ban_list, name="ban_list"),
    path("incidents/bans/new/", views.ban_create, name="ban_create"),
    path("incidents/bans/<int:pk>/", views.ban_detail, name="ban_detail"),
    path("incidents/bans/<int:pk>/edit/", views.ban_edit, name="ban_edit"),
    path("incidents/bans/centre/<int:centre_pk>/", views.centre_bans, name="centre_bans"),
    path("incidents/risk-assessments/", views.risk_list, name="risk_list"),
    path(
        "incidents/risk-assessments/new/<int:centre_pk>/",
        views.risk_create,
        name="risk_create",
    ),
    path("incidents/procedures/", views.procedure_list, name="procedure_list"),
    path(
        "incidents/procedures/new/<int:centre_pk>/",
        views.procedure_create,
        name="procedure_create",
    ),
    path(
        "incidents/procedures/<int:pk>/acknowledge/",
        views.procedure_acknowledge,
        name="procedure_acknowledge",
    ),
    path("incidents/figures/", views.figures, name="figures"),
    path("incidents/figures/xlsx/", views.figures_xlsx, name="figures_xlsx"),
]

urlpatterns += [
    path("incidents/day-sheets/", review_views.day_sheets, name="day_sheets"),
    path("incidents/day-sheets/<int:centre_pk>/", review_views.day_sheet, name="day_sheet"),
    path("incidents/reviews/", review_views.review_list, name="review_list"),
    path(
        "incidents/reviews/<int:centre_pk>/<int:year>/<int:quarter>/",
        review_views.review_detail,
        name="review",
    ),
    path(
        "incidents/reviews/<int:centre_pk>/<int:year>/<int:quarter>/decisions/",
        review_views.review_decision_add,
        name="review_decision_add",
    ),
    path(
        "incidents/reviews/<int:centre_pk>/<int:year>/<int:quarter>/sign/",
        review_views.review_sign,
        name="review_sign",
    ),
    path(
        "incidents/reviews/decisions/<int:pk>/edit/",
        review_views.review_decision_edit,
        name="review_decision_edit",
    ),
    path(
        "incidents/reviews/decisions/<int:pk>/done/",
        review_views.review_decision_done,
        name="review_decision_done",
    ),
]
