"""Officer pages under /mot-cua/ (the printouts app owns ho-so/<code>/in/... and so-theo-doi/)."""
from django.urls import path

from motcua.accounts.views import counter_verify

from .views import auth, book, dossier, home, intake, queue

app_name = "backoffice"
urlpatterns = [
    path("", home.home, name="home"),
    path("dang-nhap/", auth.OfficerLoginView.as_view(), name="login"),
    path("dang-xuat/", auth.OfficerLogoutView.as_view(), name="logout"),
    path("xac-thuc/", auth.two_factor_verify, name="two_factor_verify"),
    path("xac-thuc/dang-ky/", auth.two_factor_enrol, name="two_factor_enrol"),
    path("xac-thuc/ma-du-phong/", auth.two_factor_backup_codes, name="two_factor_backup_codes"),
    path("xac-thuc/tat/", auth.two_factor_disable, name="two_factor_disable"),
    path("tiep-nhan/", intake.intake, name="intake"),
    path("tiep-nhan/cong-dan/", intake.applicant_lookup, name="applicant_lookup"),
    path("tiep-nhan/doanh-nghiep/", intake.business_lookup, name="business_lookup"),
    path("tiep-nhan/kho-du-lieu/", intake.stored_documents_lookup, name="stored_documents_lookup"),
    path("tiep-nhan/xac-minh-danh-tinh/", counter_verify, name="verify_identity"),
    path("tiep-nhan/<str:code>/giay-tiep-nhan/", intake.receipt, name="receipt"),
    path("ho-so/", queue.work_queue, name="work_queue"),
    path("ho-so/<str:code>/", dossier.dossier_detail, name="dossier"),
    path("ho-so/<str:code>/thao-tac/<slug:action>/", dossier.dossier_action, name="dossier_action"),
    path("so-theo-doi-html/", book.tracking_book, name="tracking_book"),
]
