from django.urls import include, path

from tryggve.reports import unit_views, views

app_name = "reports"

urlpatterns = [
    path("personal/", include("tryggve.reports.staff_urls")),
    path("", views.start, name="start"),
    path("rapportera/", views.report_new, name="new"),
    path("rapportera/platser/", views.place_search_json, name="place_search"),
    path("rapportera/kvitto/", views.receipt, name="receipt"),
    path("rapportera/tack/", views.voice_thanks, name="voice_thanks"),
    path("rapport/<str:token>/", views.tracking, name="tracking"),
    path("rapport/<str:token>/komplettera/", views.tracking_add_info, name="tracking_add_info"),
    path("rapport/<str:token>/oppna-igen/", views.tracking_reopen, name="tracking_reopen"),
    path("tryggare/<str:token>/", views.safety_feedback, name="safety_feedback"),
    path("rapport/<str:token>/bild/<int:photo_id>/", views.tracking_photo, name="tracking_photo"),
    path("enhet/<str:token>/", unit_views.unit_link, name="unit_link"),
    path("enhet/<str:token>/besked/", unit_views.unit_link_note, name="unit_link_note"),
    path("enhet/<str:token>/bild/<int:photo_id>/", unit_views.unit_link_photo,
         name="unit_link_photo"),
    path("karta/", views.public_map, name="map"),
    path("karta/bild/<int:photo_id>/", views.public_photo, name="public_photo"),
    path("karta/<slug:reference>/", views.public_report, name="public_report"),
    path("karta/<slug:reference>/hall-med/", views.public_report_voice, name="public_report_voice"),
    path("api/reports.geojson", views.reports_geojson, name="geojson"),
]
