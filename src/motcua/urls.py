"""URL map. Each app owns its pages (`urls.py`) and its API (`api_urls.py`)."""
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from motcua.core.api_tokens import RevokeToken

api_v1 = [
    path("", include("motcua.catalog.api_urls")),
    path("", include("motcua.calendar.api_urls")),
    path("", include("motcua.dossiers.api_urls")),
    path("", include("motcua.payments.api_urls")),
    path("", include("motcua.feedback.api_urls")),
    path("", include("motcua.accounts.api_urls")),
    path("", include("motcua.documents.api_urls")),
    path("auth/token/", RevokeToken.as_view(), name="api-token-revoke"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI: its initialiser served as a file (the split view), its bundle and CSS from its CDN,
    # and its own small <style> block and the style attributes it renders: allowed on this page only.
    path("api/docs/", csp_update({"script-src": ["https://cdn.jsdelivr.net"],
                                  "style-src": ["https://cdn.jsdelivr.net", "'unsafe-inline'"],
                                  "img-src": ["https://cdn.jsdelivr.net"]})(
        SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
    path("api/v1/", include(api_v1)),
    path("mot-cua/bao-cao/", include("motcua.reports.urls")),
    path("thong-ke/", include("motcua.reports.public_urls")),
    path("mot-cua/", include("motcua.printouts.urls")),
    path("mot-cua/", include("motcua.documents.urls")),
    path("mot-cua/", include("motcua.backoffice.urls")),
    path("mot-cua/", include("motcua.integrations.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("mot-cua/", include("motcua.feedback.officer_urls")),
    path("mot-cua/", include("motcua.queueing.officer_urls")),
    path("mot-cua/", include("motcua.national.urls")),
    path("", include("motcua.signing.urls")),
    path("xep-hang/", include("motcua.queueing.urls")),
    path("buu-chinh/", include("motcua.postal.urls")),
    path("", include("motcua.feedback.urls")),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("", include("motcua.documents.portal_urls")),
    path("", include("motcua.portal.urls")),
]
# No route serves MEDIA_ROOT, not even with DEBUG: every uploaded file is a person's document
# (dossier documents, results, the data store, drafts) and opens only through the documents app's
# checked views (`documents/urls.py`, `documents/portal_urls.py`).

admin.site.site_header = gettext_lazy("motcua - administrative procedure information system")
admin.site.site_title = "motcua"
