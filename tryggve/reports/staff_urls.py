from django.urls import path

from tryggve.reports import staff_views

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
    path("siffror/", staff_views.figures, name="staff_figures"),
]
