from django.urls import path

from tryggve.surveys import staff_views, views

app_name = "surveys"

urlpatterns = [
    path("trygghetsenkat/", views.answer, name="answer"),
    path("trygghetsenkat/tack/", views.thanks, name="thanks"),
    path("trygghetsenkat/resultat/", views.public_results, name="public_results"),
    path("personal/enkater/", staff_views.survey_list, name="staff_list"),
    path("personal/enkater/ny/", staff_views.survey_create, name="staff_create"),
    path("personal/enkater/<int:pk>/", staff_views.survey_detail, name="staff_detail"),
    path(
        "personal/enkater/<int:pk>/ny-version/",
        staff_views.survey_version,
        name="staff_version",
    ),
    path(
        "personal/enkater/<int:pk>/fraga/<int:question_pk>/",
        staff_views.question_edit,
        name="staff_question",
    ),
    path(
        "personal/enkater/<int:pk>/fraga/ny/",
        staff_views.question_new,
        name="staff_question_new",
    ),
    path(
        "personal/enkater/<int:pk>/fraga/<int:question_pk>/villkor/",
        staff_views.question_condition,
        name="staff_condition",
    ),
    path(
        "personal/enkater/<int:pk>/fraga/<int:question_pk>/alternativ/ny/",
        staff_views.option_add,
        name="staff_option_add",
    ),
    path(
        "personal/enkater/<int:pk>/fraga/<int:question_pk>/alternativ/<int:item_pk>/",
        staff_views.option_change,
        name="staff_option",
    ),
    path(
        "personal/enkater/<int:pk>/fraga/<int:question_pk>/rader/ny/",
        staff_views.row_add,
        name="staff_row_add",
    ),
    path(
        "personal/enkater/<int:pk>/fraga/<int:question_pk>/rader/<int:item_pk>/",
        staff_views.row_change,
        name="staff_row",
    ),
    path(
        "personal/enkater/<int:pk>/qr.<str:fmt>", staff_views.survey_qr, name="staff_qr"
    ),
    path("personal/enkater/<int:pk>/enkat.pdf", staff_views.survey_pdf, name="staff_pdf"),
    path("personal/enkater/<int:pk>/resultat/", staff_views.survey_results, name="staff_results"),
    path(
        "personal/enkater/<int:pk>/resultat.csv",
        staff_views.survey_results_csv,
        name="staff_results_csv",
    ),
    path(
        "personal/enkater/<int:pk>/resultat.xlsx",
        staff_views.survey_results_xlsx,
        name="staff_results_xlsx",
    ),
    path("personal/enkater/<int:pk>/fritext/", staff_views.survey_texts, name="staff_texts"),
    path(
        "personal/enkater/<int:pk>/fritext/<int:answer_pk>/teman/",
        staff_views.answer_themes_correct,
        name="staff_answer_themes",
    ),
    path(
        "personal/enkater/<int:pk>/fritext/ord/<int:term_pk>/ta-bort/",
        staff_views.learned_term_delete,
        name="staff_learned_term_delete",
    ),
    path("personal/enkater/<int:pk>/papper/", staff_views.paper_entry, name="staff_paper"),
]
