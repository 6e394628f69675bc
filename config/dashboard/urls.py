from django.urls import path

from config.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="index"),
    path("report/", views.pack, name="pack"),
    path("report.xlsx", views.pack_xlsx, name="pack_xlsx"),
]
