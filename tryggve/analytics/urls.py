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
]
