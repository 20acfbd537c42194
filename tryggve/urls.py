from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe
from django.views.generic import RedirectView, TemplateView

from tryggve.accounts.access import StaffAdminSite
from tryggve.analytics import public_views as analytics_public_views
from tryggve.areas import views as areas_views
from tryggve.lib import health
from tryggve.lib import views as lib_views
from tryggve.rights import views as rights_views

# The admin (reference data only) sits behind the same login, second factor and lockout.
admin.site.__class__ = StaffAdminSite

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Pages that do not link the icon (the admin) still get one, never a 404.
    path(
        "favicon.ico",
        require_safe(RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    ),
    path("admin/", admin.site.urls),
    path("personal/", include("tryggve.accounts.urls")),
    path("personal/lagesbild/", include("tryggve.analytics.urls")),
    path("lagesbild/", analytics_public_views.public_summary, name="public_summary"),
    path("personuppgifter/", rights_views.privacy, name="privacy"),
    path(
        "tillganglighet/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    # The served municipality's colour and logo (tryggve.areas.identity).
    path("utseende/tema.css", areas_views.theme_css, name="municipality_theme"),
    path("utseende/logotyp/", areas_views.logo, name="municipality_logo"),
    path("csp-report/", lib_views.csp_report, name="csp_report"),
    # Probes for a load balancer and monitoring; answered by lib.middleware.ProbeMiddleware
    # before the https redirect and host check, listed here for reverse() and completeness.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("tryggve.open311.urls")),
    path("", include("tryggve.rights.urls")),
    path("", include("tryggve.surveys.urls")),
    path("", include("tryggve.followup.urls")),
    path("", include("tryggve.watch.urls")),
    path("", include("tryggve.reports.urls")),
]
# A database that is down answers 503, also when middleware (not a view) met it.
handler500 = "tryggve.lib.views.server_error"
# The API answers a bad request (an unknown Host header) with its error list.
handler400 = "tryggve.open311.views.bad_request"
