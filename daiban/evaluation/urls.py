from django.urls import path

from daiban.evaluation import appraisal_views, bulletin_views, views

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
    path("manage/bulletins/", bulletin_views.index, name="bulletins"),
    path("manage/bulletins/draft/", bulletin_views.draft, name="bulletin_draft"),
    path("manage/bulletins/<int:pk>/", bulletin_views.detail, name="bulletin"),
    path("manage/bulletins/<int:pk>/edit/", bulletin_views.edit, name="bulletin_edit"),
    path("manage/bulletins/<int:pk>/publish/", bulletin_views.publish, name="bulletin_publish"),
]
