from django.urls import path

from . import apply, mine, tracking, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure-list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure-detail"),
    path("tra-cuu/", tracking.tracking, name="tracking"),
    # Applying online, my dossiers, my data store (issue 4).
    path("thu-tuc/<str:code>/nop-truc-tuyen/", apply.apply, name="apply"),
    path("nop-ho-so/<str:key>/", apply.apply_draft, name="apply-draft"),
    path("ca-nhan/ho-so/", mine.my_dossiers, name="my-dossiers"),
    path("ca-nhan/ho-so/<str:code>/", mine.my_dossier, name="my-dossier"),
    path("ca-nhan/ho-so/<str:code>/bo-sung/", mine.supplement, name="my-supplement"),
    path("ca-nhan/ho-so/<str:code>/rut/", mine.withdraw, name="my-withdraw"),
    path("ca-nhan/ho-so/<str:code>/ket-qua/", mine.result, name="my-result"),
    path("ca-nhan/ho-so/<str:code>/thanh-toan/", mine.pay, name="my-pay"),
    path("ca-nhan/ho-so/<str:code>/bien-lai/<int:pk>/", mine.receipt, name="my-receipt"),
    path("ca-nhan/kho-du-lieu/", mine.my_documents, name="my-documents"),
    path("ca-nhan/kho-du-lieu/<int:pk>/tai-ve/", mine.my_document_file, name="my-document-file"),
    path("huong-dan/", mine.help_page, name="help"),
]
