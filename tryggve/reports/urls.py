from django.urls import path

from tryggve.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.start, name="start"),
    path("rapportera/", views.report_new, name="new"),
    path("rapportera/kvitto/", views.receipt, name="receipt"),
    path("rapportera/tack/", views.voice_thanks, name="voice_thanks"),
    path("rapport/<str:token>/", views.tracking, name="tracking"),
    path("rapport/<str:token>/bild/<int:photo_id>/", views.tracking_photo, name="tracking_photo"),
    path("karta/", views.public_map, name="map"),
    path("karta/bild/<int:photo_id>/", views.public_photo, name="public_photo"),
    path("karta/<str:reference>/", views.public_report, name="public_report"),
    path("karta/<str:reference>/hall-med/", views.public_report_voice, name="public_report_voice"),
    path("api/reports.geojson", views.reports_geojson, name="geojson"),
]
