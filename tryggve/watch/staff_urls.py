from django.urls import path

from tryggve.watch import staff_views

urlpatterns = [
    path("", staff_views.staff_index, name="staff_index"),
    path("meddelanden/", staff_views.staff_messages, name="staff_messages"),
    path("siffror/", staff_views.staff_figures, name="staff_figures"),
    path("<slug:slug>/", staff_views.staff_area, name="staff_area"),
    path("<slug:slug>/lage/", staff_views.staff_state, name="staff_state"),
    path(
        "<slug:slug>/hushall/",
        staff_views.staff_households,
        name="staff_households",
    ),
    path("<slug:slug>/anmalningar/", staff_views.staff_bulk, name="staff_bulk"),
    path("<slug:slug>/granskad/", staff_views.staff_review, name="staff_review"),
    path("<slug:slug>/startmote/", staff_views.staff_meeting, name="staff_meeting"),
    path(
        "<slug:slug>/narvaro/",
        staff_views.staff_attendance,
        name="staff_attendance",
    ),
    path("<slug:slug>/skyltar/", staff_views.staff_signs, name="staff_signs"),
]
