from django.urls import path

from tryggve.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("utsatthet.csv", views.ranking_export, name="ranking_export"),
    path("riskkarta/", views.riskmap, name="riskmap"),
    path("forslag/", views.suggestions, name="suggestions"),
    path("tider/", views.time_profiles, name="time_profiles"),
    path("narvaro/", views.presence, name="presence"),
    path("observation/", views.observation, name="observation"),
    path("import/", views.incident_import, name="import"),
    path("import/<int:import_id>/", views.import_detail, name="import_detail"),
    path("import/<int:import_id>/status.json", views.import_status, name="import_status"),
    path("import/<int:import_id>/angra/", views.import_undo, name="import_undo"),
]
