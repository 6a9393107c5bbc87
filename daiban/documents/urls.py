"""The printed papers of a case and of a handover, named in the "cases:" namespace
(daiban/urls.py joins these to daiban/cases/urls.py)."""

from django.urls import path

from daiban.documents import views

urlpatterns = [
    path("cases/<int:pk>/receipt.pdf", views.receipt, name="receipt"),
    path("cases/<int:pk>/entrustment.pdf", views.entrustment, name="entrustment"),
    path("cases/<int:pk>/refusal.pdf", views.refusal, name="refusal"),
    path("cases/<int:pk>/notices/<int:notice_pk>.pdf", views.supplement, name="supplement_pdf"),
    path("cases/<int:pk>/petition-notice.pdf", views.petition_notice, name="petition_notice"),
    path("cases/<int:pk>/delivery-receipt.pdf", views.delivery_receipt, name="delivery_pdf"),
    path("handover/<int:pk>.pdf", views.handover_list, name="handover_pdf"),
]
