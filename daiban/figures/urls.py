from django.urls import path

from daiban.figures import monthly_views, views

app_name = "figures"
urlpatterns = [
    path("manage/", views.dashboard, name="dashboard"),
    path("manage/cases/", views.cases, name="cases"),
    path("manage/report.pdf", views.report_pdf, name="report_pdf"),
    path("manage/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("manage/monthly/", monthly_views.index, name="monthly"),
    path("manage/monthly/county.xlsx", monthly_views.county_xlsx, name="monthly_county_xlsx"),
    path("manage/monthly/<int:pk>/", monthly_views.detail, name="monthly_detail"),
    path("manage/monthly/<int:pk>/<str:name>/", monthly_views.step, name="monthly_step"),
    path("manage/monthly/<int:pk>.pdf", monthly_views.report_pdf, name="monthly_pdf"),
    path("manage/monthly/<int:pk>.xlsx", monthly_views.report_xlsx, name="monthly_xlsx"),
]
