from django.urls import path

from daiban.evaluation import appraisal_views, views

app_name = "evaluation"
urlpatterns = [
    path("manage/agents/", views.ranking, name="ranking"),
    path("my-figures/", views.mine, name="mine"),
    path("manage/scheme/", views.scheme, name="scheme"),
    path("manage/payments/", views.sheets, name="sheets"),
    path("manage/payments/prepare/", views.prepare, name="prepare"),
    path("manage/payments/<int:pk>/", views.sheet, name="sheet"),
    path("manage/payments/<int:pk>/approve/", views.approve, name="approve"),
    path("manage/appraisals/", appraisal_views.appraisals, name="appraisals"),
    path("manage/appraisals/propose/", appraisal_views.propose, name="propose_appraisal"),
    path(
        "manage/appraisals/<int:pk>/approve/",
        appraisal_views.approve,
        name="approve_appraisal",
    ),
]
