"""The signed-in person's own API (`/api/v1/me/...`, session or token auth): their dossiers and
their stored documents. Everything is filtered by the account; anyone else's answers 404."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, permissions, serializers
from rest_framework.exceptions import NotFound
from django.utils.translation import gettext as _

from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent

from . import selectors
from .models import StoredDocument


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
    class Meta:
        model = DossierDocument
        fields = ["name", "digitization", "is_supplement"]


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
