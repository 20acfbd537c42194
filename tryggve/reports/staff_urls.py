from django.urls import path

from tryggve.reports import staff_views, unit_staff_views

urlpatterns = [
    path("arenden/", staff_views.inbox, name="staff_inbox"),
    path("arenden/export.<str:fmt>", staff_views.export, name="staff_export"),
    path("arenden/<slug:reference>/", staff_views.case_detail, name="staff_case"),
    path("arenden/<slug:reference>/status/", staff_views.case_status, name="staff_status"),
    path("arenden/<slug:reference>/meddelande/", staff_views.case_update, name="staff_update"),
    path("arenden/<slug:reference>/historik/<int:event_id>/publicera/",
         staff_views.case_event_publish, name="staff_event_publish"),
    path("arenden/<slug:reference>/enhet/", staff_views.case_unit, name="staff_unit"),
    path("arenden/<slug:reference>/kategori/", staff_views.case_category,
         name="staff_category"),
    path("arenden/<slug:reference>/publicering/", staff_views.case_moderate,
         name="staff_moderate"),
    path("arenden/<slug:reference>/dubblett/", staff_views.case_merge, name="staff_merge"),
    path("arenden/<slug:reference>/utskrift/", staff_views.case_print, name="staff_print"),
    path("arenden/<slug:reference>/bild/<int:photo_id>/", staff_views.case_photo,
         name="staff_photo"),
    path("arenden/<slug:reference>/enhetslank/<int:link_id>/aterkalla/",
         staff_views.case_unit_link_revoke, name="staff_unit_link_revoke"),
    path("siffror/", staff_views.figures, name="staff_figures"),
    path("enhet/", unit_staff_views.unit_inbox, name="unit_inbox"),
    path("enhet/<slug:reference>/", unit_staff_views.unit_staff_case, name="unit_staff_case"),
    path("enhet/<slug:reference>/besked/", unit_staff_views.unit_staff_note,
         name="unit_staff_note"),
    path("enhet/<slug:reference>/bild/<int:photo_id>/", unit_staff_views.unit_staff_photo,
         name="unit_staff_photo"),
]
