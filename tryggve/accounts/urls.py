from django.urls import path

from tryggve.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("logga-in/", views.login, name="login"),
    path("tvafaktor/", views.second_factor, name="second_factor"),
    path("logga-ut/", views.logout, name="logout"),
]
