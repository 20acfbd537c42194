from django.urls import path

from tryggve.watch import views

app_name = "watch"

urlpatterns = [
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
    path("personal/grannsamverkan/", views.staff_index, name="staff_index"),
    path("personal/grannsamverkan/meddelanden/", views.staff_messages, name="staff_messages"),
    path("personal/grannsamverkan/siffror/", views.staff_figures, name="staff_figures"),
    path("personal/grannsamverkan/<slug:slug>/", views.staff_area, name="staff_area"),
    path("personal/grannsamverkan/<slug:slug>/lage/", views.staff_state, name="staff_state"),
    path(
        "personal/grannsamverkan/<slug:slug>/hushall/",
        views.staff_households,
        name="staff_households",
    ),
    path("personal/grannsamverkan/<slug:slug>/anmalningar/", views.staff_bulk, name="staff_bulk"),
    path("personal/grannsamverkan/<slug:slug>/granskad/", views.staff_review, name="staff_review"),
    path(
        "personal/grannsamverkan/<slug:slug>/startmote/", views.staff_meeting, name="staff_meeting"
    ),
    path(
        "personal/grannsamverkan/<slug:slug>/narvaro/",
        views.staff_attendance,
        name="staff_attendance",
    ),
    path("personal/grannsamverkan/<slug:slug>/skyltar/", views.staff_signs, name="staff_signs"),
]
