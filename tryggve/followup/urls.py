from django.urls import path

from tryggve.followup import council_views, planning_views, staff_views, summary_views, views

app_name = "followup"

STAFF = "personal/uppfoljning/"
ACTIVITY = STAFF + "aktivitet/<int:activity_pk>/"

urlpatterns = [
    path("medborgarloften/", views.public_promise, name="public"),
    path(
        "medborgarloften/<int:promise_pk>/",
        views.public_promise_archived,
        name="public_archived",
    ),
    path(STAFF, staff_views.overview, name="overview"),
    path(STAFF + "lofte/<int:promise_pk>/", staff_views.overview, name="promise"),
    path(
        STAFF + "atagande/<int:commitment_pk>/ny-aktivitet/",
        staff_views.activity_create_view,
        name="activity_create",
    ),
    path(ACTIVITY, staff_views.activity_detail, name="activity"),
    path(ACTIVITY + "andra/", staff_views.activity_edit_view, name="activity_edit"),
    path(ACTIVITY + "status/", staff_views.activity_status_view, name="activity_status"),
    path(ACTIVITY + "framsteg/", staff_views.activity_update_view, name="activity_update"),
    path(
        ACTIVITY + "framsteg/<int:update_pk>/publicera/",
        staff_views.update_publish_view,
        name="update_publish",
    ),
    path(
        ACTIVITY + "framsteg/<int:update_pk>/underlag/",
        staff_views.evidence_add_view,
        name="evidence_add",
    ),
    path(STAFF + "indikatorer/", staff_views.indicator_list, name="indicators"),
    path(STAFF + "indikatorer/ny/", staff_views.indicator_create_view, name="indicator_create"),
    path(
        STAFF + "indikatorer/<int:indicator_pk>/",
        staff_views.indicator_detail,
        name="indicator",
    ),
    path(
        STAFF + "indikatorer/<int:indicator_pk>/nytt-varde/",
        staff_views.entry_create_view,
        name="entry_create",
    ),
    path(STAFF + "dialoger/", staff_views.dialogue_list, name="dialogues"),
    path(STAFF + "dialoger/ny/", staff_views.dialogue_create_view, name="dialogue_create"),
    # Planning ahead: live indicators with baselines and targets, next year's draft.
    path(STAFF + "indikatorer/live/", planning_views.live_indicators, name="live_indicators"),
    path(
        STAFF + "indikatorer/live/<str:code>/",
        planning_views.setting_edit_view,
        name="indicator_setting",
    ),
    path(STAFF + "lofte/<int:promise_pk>/nasta-ar/", planning_views.draft_page, name="draft"),
    path(
        STAFF + "lofte/<int:promise_pk>/nasta-ar/skapa/",
        planning_views.draft_create_view,
        name="draft_create",
    ),
]

# Hälsa- och trygghetsrådet (followup.council_views).
COUNCIL = STAFF + "radet/"
MEETING = COUNCIL + "mote/<int:meeting_pk>/"
urlpatterns += [
    path(COUNCIL, council_views.council_list, name="council"),
    path(COUNCIL + "nytt-mote/", council_views.council_create_view, name="council_create"),
    path(COUNCIL + "mottagare/", council_views.council_recipients, name="council_recipients"),
    path(
        COUNCIL + "mottagare/<int:recipient_pk>/vaxla/",
        council_views.council_recipient_toggle,
        name="council_recipient_toggle",
    ),
    path(MEETING, council_views.council_meeting, name="council_meeting"),
    path(MEETING + "andra/", council_views.council_edit_view, name="council_edit"),
    path(MEETING + "rapport.pdf", council_views.council_pdf, name="council_pdf"),
    path(MEETING + "skapa-rapport/", council_views.council_generate_view, name="council_generate"),
    path(MEETING + "skicka/", council_views.council_send_view, name="council_send"),
    path(MEETING + "beslut/", council_views.council_decision_view, name="council_decision"),
]

# The annual written summary (issue 11).
SUMMARY = STAFF + "sammanfattning/<int:year>/"
urlpatterns += [
    path(SUMMARY, summary_views.summary_page, name="summary"),
    path(SUMMARY + "texter/", summary_views.summary_texts_view, name="summary_texts"),
    path(SUMMARY + "publicera/", summary_views.summary_publish_view, name="summary_publish"),
    path(
        SUMMARY + "publicerad/<int:summary_pk>.pdf",
        summary_views.summary_published_pdf,
        name="summary_published_pdf",
    ),
    path(
        SUMMARY + "publicerad/<int:summary_pk>/avpublicera/",
        summary_views.summary_withdraw_view,
        name="summary_withdraw",
    ),
    # One address per format (no format parameter to guess): .pdf and .docx.
    path(
        SUMMARY + "arssammanfattning.pdf",
        summary_views.summary_download,
        {"fmt": "pdf"},
        name="summary_download_pdf",
    ),
    path(
        SUMMARY + "arssammanfattning.docx",
        summary_views.summary_download,
        {"fmt": "docx"},
        name="summary_download_docx",
    ),
    path(
        "medborgarloften/sammanfattning/<int:summary_pk>.pdf",
        summary_views.public_summary_pdf,
        name="public_summary",
    ),
]
