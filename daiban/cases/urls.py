from django.urls import path

from daiban.cases import attachment_views, intake_views, lookup, views

# The case's printed papers share the "cases:" names; they live in documents/urls.py and
# daiban/urls.py puts both lists under one namespace.
app_name = "cases"
urlpatterns = [
    path("", views.home, name="home"),
    path("find/", lookup.find, name="lookup"),
    path("inquiries/new/", intake_views.inquiry, name="inquiry"),
    path("cases/new/", intake_views.start, name="start"),
    path("cases/<int:pk>/", views.detail, name="detail"),
    path("cases/<int:pk>/accept/", intake_views.accept, name="accept"),
    path("cases/<int:pk>/confirm/", views.confirm_receipt, name="confirm_receipt"),
    path("cases/<int:pk>/hand-over/", views.hand_over, name="hand_over"),
    path("cases/<int:pk>/recall/", views.recall, name="recall"),
    path("cases/<int:pk>/result/", views.record_result, name="record_result"),
    path("cases/<int:pk>/petition/", views.decide_petition, name="decide_petition"),
    path("cases/<int:pk>/reply/", views.reply, name="reply"),
    path("cases/<int:pk>/close/", views.close, name="close"),
    path("cases/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("cases/<int:pk>/supplement/", views.request_supplement, name="request_supplement"),
    path("cases/<int:pk>/resume/", views.resume, name="resume"),
    path("cases/<int:pk>/transfer/send/", views.send_transfer, name="send_transfer"),
    path("cases/<int:pk>/transfer/accept/", views.accept_transfer, name="accept_transfer"),
    path("cases/<int:pk>/transfer/return/", views.return_transfer, name="return_transfer"),
    path("cases/<int:pk>/return-papers/", views.return_papers, name="return_papers"),
    path("cases/<int:pk>/scans/", attachment_views.upload, name="upload"),
    path("cases/<int:pk>/scans/<int:attachment_pk>/", attachment_views.download, name="scan"),
    path("handover/", views.handover_batch, name="handover"),
    path("handover/<int:pk>/", views.batch, name="batch"),
]
