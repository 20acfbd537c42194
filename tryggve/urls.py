from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from tryggve.accounts.access import StaffAdminSite
from tryggve.analytics import views as analytics_views
from tryggve.lib import views as lib_views

# The admin (reference data only) sits behind the same login, second factor and lockout.
admin.site.__class__ = StaffAdminSite

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("personal/", include("tryggve.accounts.urls")),
    path("personal/lagesbild/", include("tryggve.analytics.urls")),
    path("lagesbild/", analytics_views.public_summary, name="public_summary"),
    path("personuppgifter/", TemplateView.as_view(template_name="privacy.html"), name="privacy"),
    path(
        "tillganglighet/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("csp-report/", lib_views.csp_report, name="csp_report"),
    path("", include("tryggve.surveys.urls")),
    path("", include("tryggve.watch.urls")),
    path("", include("tryggve.reports.urls")),
]
# A database that is down answers 503, also when middleware (not a view) met it.
handler500 = "tryggve.lib.views.server_error"
