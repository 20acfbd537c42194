from django.urls import include, path

from tryggve.watch import views

app_name = "watch"

urlpatterns = [
    path("personal/grannsamverkan/", include("tryggve.watch.staff_urls")),
    path("grannsamverkan/", views.public_list, name="public_list"),
    path("grannsamverkan/bekrafta/<str:token>/", views.confirm, name="confirm"),
    path("grannsamverkan/mitt-hushall/<str:token>/", views.my_household, name="my_household"),
    path("grannsamverkan/mitt-hushall/<str:token>/lamna/", views.leave, name="leave"),
    path(
        "grannsamverkan/mitt-hushall/<str:token>/kontaktuppgifter/",
        views.share_contact,
        name="share_contact",
    ),
    path("grannsamverkan/overlamna/<str:token>/", views.handover, name="handover"),
    path("grannsamverkan/<slug:slug>/", views.public_area, name="public_area"),
    path("grannsamverkan/<slug:slug>/tack/", views.signed_up, name="signed_up"),
]
