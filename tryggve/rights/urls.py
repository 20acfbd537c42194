from django.urls import path

from tryggve.rights import views

app_name = "rights"

urlpatterns = [
    path("personal/registerutdrag/", views.person, name="person"),
    path("personal/registerutdrag/fil/", views.person_export, name="person_export"),
    path("personal/registerutdrag/radera/", views.person_erase, name="person_erase"),
]
