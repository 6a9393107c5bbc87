from django.urls import path

from daiban.figures import views

app_name = "figures"
urlpatterns = [
    path("manage/", views.dashboard, name="dashboard"),
    path("manage/cases/", views.cases, name="cases"),
    path("manage/report.pdf", views.report_pdf, name="report_pdf"),
    path("manage/report.xlsx", views.report_xlsx, name="report_xlsx"),
]
