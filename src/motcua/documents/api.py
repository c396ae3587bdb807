"""The documents app's API (session or token auth).

- The signed-in person's own API (`/api/v1/me/...`): their dossiers and their stored documents.
  Everything is filtered by the account; anyone else's answers 404.
- The officers' digitisation (`POST /api/v1/dossiers/{code}/documents/{id}/digitise/`): the scan
  of a paper document, with the same upload checks and service as the scan page. It changes the
  dossier, so it carries the dossier's version like every dossier action (`dossiers/versions.py`).
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.api import error_responses
from motcua.organization.access import is_active_staff
from motcua.core.idempotency import IDEMPOTENCY_PARAMETERS, IDEMPOTENCY_RESPONSES, idempotent
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent
from motcua.dossiers.services import DossierActionError
from motcua.dossiers.versions import VERSION_PARAMETERS, VERSION_RESPONSES, VersionInputSerializer, shown_version

from . import selectors, services
from .models import StoredDocument
from .uploads import check_upload


class MyDossierSerializer(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure_version.name")
    status_label = serializers.CharField(source="get_status_display")
    has_result_file = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = ["code", "procedure", "status", "status_label", "channel_in", "return_channel", "submitted_at",
                  "received_at", "due_at", "finished_at", "outcome", "has_result_file"]

    def get_has_result_file(self, obj) -> bool:
        return bool(obj.result_file)


class MyDocumentSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = DossierDocument
        fields = ["name", "digitization", "is_supplement", "file_url"]

    def get_file_url(self, obj) -> str | None:
        """The owner's page that serves the document's file (null for a paper document)."""
        return f"/ca-nhan/ho-so/{obj.dossier.code}/tai-lieu/{obj.pk}/" if obj.file else None


class MyEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierEvent
        fields = ["kind", "at", "from_status", "to_status"]


class MyDossierDetailSerializer(MyDossierSerializer):
    documents = MyDocumentSerializer(many=True, read_only=True)
    events = serializers.SerializerMethodField()
    result_url = serializers.SerializerMethodField()

    class Meta(MyDossierSerializer.Meta):
        fields = MyDossierSerializer.Meta.fields + ["documents", "events", "result_url"]

    @extend_schema_field(MyEventSerializer(many=True))
    def get_events(self, obj):
        events = dossier_selectors.events_of(obj).exclude(kind__in=["assign", "step_overdue"])
        return MyEventSerializer(events, many=True).data

    def get_result_url(self, obj) -> str | None:
        return f"/ca-nhan/ho-so/{obj.code}/ket-qua/" if obj.result_file and obj.status >= 9 else None


class StoredDocumentSerializer(serializers.ModelSerializer):
    source_dossier = serializers.SlugRelatedField(slug_field="code", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = StoredDocument
        fields = ["id", "kind", "number", "issuer", "issue_date", "valid_until", "source", "source_dossier",
                  "content_type", "size", "created_at", "download_url"]

    def get_download_url(self, obj) -> str:
        return f"/ca-nhan/kho-du-lieu/{obj.pk}/tai-ve/"


class MyDossiers(generics.ListAPIView):
    """The dossiers submitted through the signed-in account, newest first."""

    serializer_class = MyDossierSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.dossiers_of(self.request.user)


class MyDossier(generics.RetrieveAPIView):
    """One of the signed-in account's dossiers, with its documents and history; 404 for any other."""

    serializer_class = MyDossierDetailSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self):
        dossier = selectors.own_dossier(self.request.user, self.kwargs["code"])
        if dossier is None:
            raise NotFound(_("No such dossier in your account."))
        return dossier


class MyDocuments(generics.ListAPIView):
    """The signed-in person's data store."""

    serializer_class = StoredDocumentSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.documents_of(self.request.user).select_related("source_dossier")


# --- officers: digitise a paper document -------------------------------------------------------


class IsActiveStaff(permissions.BasePermission):
    """Officers with an active role (as the officer pages); a citizen account gets 403."""

    message = gettext_lazy("Only officers may do this.")

    def has_permission(self, request, view):
        return is_active_staff(request.user)


@extend_schema_field(OpenApiTypes.BINARY)  # an upload, not the URI a FileField shows in responses
class UploadField(serializers.FileField):
    pass


class DigitiseInputSerializer(VersionInputSerializer):
    file = UploadField(help_text="The scan: PDF, JPEG or PNG, judged from its content; the name's "
                                           "extension must agree. Size limit UPLOAD_MAX_FILE_BYTES (10 MB).")
    number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    issuer = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    issue_date = serializers.DateField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)


class DigitisedDossierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dossier
        fields = ["code", "version", "is_digitized"]


class DigitisedDocumentSerializer(serializers.ModelSerializer):
    # The stored name, not a URL: media files are not served publicly.
    file = serializers.CharField(source="file.name", help_text="Stored file name of the scan")
    dossier = DigitisedDossierSerializer()

    class Meta:
        model = DossierDocument
        fields = ["id", "required_document", "name", "digitization", "file", "is_supplement", "dossier"]


class DigitiseDocument(APIView):
    """Attach the scan of a paper document handed in with the dossier (digitisation 1)."""

    permission_classes = [permissions.IsAuthenticated, IsActiveStaff]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": DigitiseInputSerializer},
        parameters=[*IDEMPOTENCY_PARAMETERS, *VERSION_PARAMETERS],
        responses={
            **IDEMPOTENCY_RESPONSES,
            **VERSION_RESPONSES,
            200: DigitisedDocumentSerializer,
            **error_responses({
                400: "Bad input: a field's errors, or {detail, code} with code invalid, too_large, empty, bad_type, "
                     "mismatch or infected (upload checks)",
                403: "Not an officer, or not allowed to digitise for this dossier's agencies (code forbidden)",
            }),
            # No body schema: a path the URL resolver refuses (e.g. a negative id) answers Django's HTML 404.
            404: OpenApiResponse(description="No such document in a dossier the caller can see (code not_found)"),
        },
    )
    @idempotent
    def post(self, request, code, document_id):
        dossier = dossier_selectors.visible_dossier(request.user, code)
        document = dossier.documents.filter(pk=document_id).first() if dossier else None
        if document is None:
            raise DossierActionError("not_found", _("No such document in a dossier you can see."))
        services.ensure_may_digitise(request.user, dossier)
        serializer = DigitiseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            checked = check_upload(data["file"])
        except DjangoValidationError as exc:
            raise DossierActionError(exc.error_list[0].code or "invalid", exc.messages[0]) from None
        version = shown_version(request, data)
        document = services.digitise_document(
            request.user, document, checked, number=data["number"], issuer=data["issuer"],
            issue_date=data["issue_date"], valid_until=data["valid_until"], expected_version=version,
        )
        document = DossierDocument.objects.select_related("dossier").get(pk=document.pk)
        return Response(DigitisedDocumentSerializer(document).data)
