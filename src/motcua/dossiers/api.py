"""The dossier API: the same commands and queries as the officer pages, for partners and apps.

Authentication: session or token (`Authorization: Token ...`). Every read is scoped with
`selectors.dossiers_visible_to`; a dossier of another agency answers 404. Each action has its own
input serializer (`API_ACTIONS`, like the officer pages' `backoffice/actions.ACTIONS`) and carries
the dossier's version (`versions.py`). A refused action raises `DossierActionError`, which
`core.api.exception_handler` answers as {"detail": message, "code": code} in the request's
language with the code's status (409 not allowed now, stale, ...; 403 no permission; 400 bad input).

Creating calls (the receipt, every action) take an `Idempotency-Key` header: a retried request
replays the first answer instead of acting twice (`core/idempotency.py`, docs/dossiers.md).
"""
from dataclasses import dataclass
from typing import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.catalog.models import Procedure, ProcedureCase, ProcedureVersion
from motcua.core.db_routing import heavy_reads
from motcua.core.errors import Throttled
from motcua.core.idempotency import IDEMPOTENCY_PARAMETERS, IDEMPOTENCY_RESPONSES, idempotent
from motcua.core.validators import validate_party_name
from motcua.organization.models import Agency, ServicePoint

from . import hooks, selectors, services
from .models import Dossier, DossierDocument, DossierEvent, DossierStep
from .services import DossierActionError
from .versions import VERSION_PARAMETERS, VERSION_RESPONSES, VersionInputSerializer, shown_version

# --- output -----------------------------------------------------------------------------------


class DossierStepSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code")
    assignee = serializers.CharField(source="assignee.username", default=None, allow_null=True)

    class Meta:
        model = DossierStep
        fields = ["order", "step_index", "name", "role", "unit", "agency", "assignee", "budget_hours",
                  "started_at", "due_at", "finished_at", "outcome", "is_overdue", "note"]


class DossierEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = DossierEvent
        fields = ["kind", "actor", "at", "from_status", "to_status", "payload"]


class DossierDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierDocument
        fields = ["required_document", "name", "originals", "certified_copies", "copies", "digitization",
                  "is_supplement"]


class DossierListSerializer(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.code")
    receiving_agency = serializers.CharField(source="receiving_agency.code")
    current_agency = serializers.CharField(source="current_agency.code", default=None, allow_null=True)
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Dossier
        fields = ["code", "version", "procedure", "applicant_name", "channel_in", "status", "status_label",
                  "receiving_agency", "current_agency", "current_step_name", "current_unit", "received_at",
                  "due_at", "finished_at", "returned_at", "outcome", "is_overdue"]


class DossierDetailSerializer(DossierListSerializer):
    procedure_name = serializers.CharField(source="procedure_version.name")
    competent_agency = serializers.CharField(source="competent_agency.code")
    current_officer = serializers.CharField(source="current_officer.username", default=None, allow_null=True)
    documents = DossierDocumentSerializer(many=True, read_only=True)
    steps = DossierStepSerializer(many=True, read_only=True)
    events = DossierEventSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(DossierListSerializer.Meta):
        fields = DossierListSerializer.Meta.fields + [
            "procedure_name", "case", "competent_agency", "current_officer", "applicant_kind", "applicant_id_number",
            "applicant_birth_date", "applicant_phone", "applicant_email", "applicant_address", "owner_name",
            "owner_id_number", "return_channel", "delivery_address", "submitted_at", "original_due_at",
            "appointment_at", "paused_minutes", "supplement_count", "fee_due", "fee_paid", "result_kind",
            "result_description", "documents", "steps", "events", "allowed_actions",
        ]

    def get_allowed_actions(self, obj) -> list[str]:
        return services.actions_for(self.context["request"].user, obj)


class TrackingStepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    agency = serializers.CharField()
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.IntegerField(allow_null=True)


class TrackingSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = serializers.CharField(allow_null=True, help_text="null while hidden (sensitive, not verified)")
    procedure_hidden = serializers.BooleanField(help_text="the catalogue marks the procedure sensitive")
    applicant = serializers.CharField(help_text="initials only ('N*** V*** A'), the full name once verified")
    status = serializers.IntegerField()
    status_label = serializers.CharField()
    receiving_agency = serializers.CharField()
    competent_agency = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    appointment_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    verified = serializers.BooleanField()
    steps = TrackingStepSerializer(many=True)


# --- input ------------------------------------------------------------------------------------


class DossierPartySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "business"], default="person")
    name = serializers.CharField(max_length=255)
    id_number = serializers.CharField(max_length=20, allow_blank=True, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=20, allow_blank=True, required=False)
    email = serializers.CharField(max_length=254, allow_blank=True, required=False)
    address = serializers.CharField(max_length=500, allow_blank=True, required=False)

    def validate(self, attrs):
        """A person's name: letters, spaces and ' - . (at most 200); a business's: no markup."""
        try:
            validate_party_name(attrs.get("name", ""), attrs.get("kind", "person"))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"name": exc.messages}) from None
        return attrs


class DossierDocumentInputSerializer(serializers.Serializer):
    required_document = serializers.IntegerField(required=False, allow_null=True)
    name = serializers.CharField(max_length=500, required=False, allow_blank=True)
    originals = serializers.IntegerField(min_value=0, default=0)
    certified_copies = serializers.IntegerField(min_value=0, default=0)
    copies = serializers.IntegerField(min_value=0, default=0)
    digitization = serializers.IntegerField(min_value=0, max_value=3, default=0)


class DossierReceiptSerializer(serializers.Serializer):
    procedure = serializers.CharField(help_text="Procedure code, e.g. 1.004227.000.00.00.H99 (version in force)")
    case = serializers.CharField(required=False, allow_blank=True, help_text="Case code within the version")
    channel = serializers.ChoiceField(choices=["counter", "post"], default="counter")
    receiving_agency = serializers.CharField(required=False, allow_blank=True, help_text="Agency identifier code")
    competent_agency = serializers.CharField(required=False, allow_blank=True)
    service_point = serializers.CharField(required=False, allow_blank=True, help_text="Service point code")
    applicant = DossierPartySerializer()
    owner = DossierPartySerializer(required=False, allow_null=True)
    documents = DossierDocumentInputSerializer(many=True, default=list)
    return_channel = serializers.ChoiceField(choices=["counter", "online", "post"], default="counter")
    delivery_address = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    fee_exemptions = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=20,
        help_text="Ids of the procedure's fee exemptions the applicant is entitled to (the fee due is the quote with them)")


# One input serializer per action, as the officer pages have one form per action
# (`backoffice/actions.ACTIONS`): the schema shows each action's own fields.


class NoteInputSerializer(VersionInputSerializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReasonInputSerializer(VersionInputSerializer):
    reason = serializers.CharField(max_length=1000)


class OptionalReasonInputSerializer(VersionInputSerializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class SupplementRequestInputSerializer(VersionInputSerializer):
    items = serializers.ListField(child=serializers.CharField(max_length=500), allow_empty=False, max_length=50,
                                  help_text="The missing items, one per entry")
    reason = serializers.CharField(max_length=1000)


class SupplementReceiptInputSerializer(NoteInputSerializer):
    documents = DossierDocumentInputSerializer(many=True, required=False, default=list)


class HandOverInputSerializer(NoteInputSerializer):
    to_step = serializers.IntegerField(required=False, allow_null=True,
                                       help_text="The process step's order (an earlier one sends it back); "
                                                 "default: the next step")
    to_agency = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text="Agency code, to send it outside the process")
    to_unit = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    to_officer = serializers.CharField(required=False, allow_blank=True, default="", help_text="username")
    step_name = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    budget_hours = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True,
                                            help_text="Working hours of a step outside the process")


class PaymentRequestInputSerializer(NoteInputSerializer):
    amount = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class PaymentConfirmInputSerializer(VersionInputSerializer):
    amount_paid = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    receipt_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class CounterPaymentInputSerializer(VersionInputSerializer):
    amount = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                      help_text="Required: the amount paid (VND)")
    method = serializers.CharField(required=False, allow_blank=True, default="", help_text="cash, card or transfer")
    receipt_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class AssignInputSerializer(NoteInputSerializer):
    officer = serializers.CharField(help_text="username")


class ResolveInputSerializer(VersionInputSerializer):
    result_kind = serializers.ChoiceField(choices=["paper", "electronic"], default="paper")
    result_description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    result_file = serializers.FileField(required=False, allow_null=True,
                                        help_text="multipart; checked like every upload (docs/documents.md)")


class ApologyInputSerializer(VersionInputSerializer):
    new_appointment = serializers.DateTimeField()
    reason = serializers.CharField(max_length=1000)


def _agency(code: str) -> Agency | None:
    if not code:
        return None
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise DossierActionError("invalid", _("Unknown agency: %(code)s.") % {"code": code})
    return agency


def _user(username: str):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise DossierActionError("invalid", _("Unknown officer: %(name)s.") % {"name": username})
    return user


def _record_payment(user, dossier, *, expected_version: int, method: str, receipt_number: str,
                    amount: int | None = None):
    """A payment taken at the counter: through the payments app (its hook), as on the counter payment page,
    so that it has its payment row (receipt, reconciliation) and resumes a dossier waiting for
    exactly this amount. The version is compared there, with the dossier's row locked; its
    PaymentError answers like any domain error (409 stale, nothing_owed ...)."""
    if amount is None:
        raise DossierActionError("invalid", _("Give the amount paid."))
    hooks.record_counter_payment(user, dossier, amount, method, receipt_number, expected_version=expected_version)
    return dossier


@dataclass(frozen=True)
class ApiAction:
    """How an action of the transition table is taken through the API."""

    serializer: type[VersionInputSerializer]
    # The validated fields (without the version) -> the command's keyword arguments.
    arguments: Callable[[dict], dict] = dict
    # (user, dossier, expected_version=..., **arguments) -> Dossier; default: the command of that name.
    command: Callable | None = None


def _hand_over_arguments(data: dict) -> dict:
    return {**data, "to_agency": _agency(data["to_agency"]), "to_officer": _user(data["to_officer"])}


def _assign_arguments(data: dict) -> dict:
    return {**data, "officer": _user(data["officer"])}


# The officers' actions of the transition table (the applicant's own act on the portal; digitising
# needs a document and a file: its endpoint is the documents app's).
API_ACTIONS: dict[str, ApiAction] = {
    "accept_online": ApiAction(NoteInputSerializer),
    "refuse_intake": ApiAction(ReasonInputSerializer),
    "start_processing": ApiAction(VersionInputSerializer),
    "take": ApiAction(NoteInputSerializer),
    "assign": ApiAction(AssignInputSerializer, _assign_arguments),
    "hand_over": ApiAction(HandOverInputSerializer, _hand_over_arguments),
    "request_supplement": ApiAction(SupplementRequestInputSerializer),
    "receive_supplement": ApiAction(SupplementReceiptInputSerializer),
    "request_payment": ApiAction(PaymentRequestInputSerializer),
    "confirm_payment": ApiAction(PaymentConfirmInputSerializer),
    "record_payment": ApiAction(CounterPaymentInputSerializer, command=_record_payment),
    "resolve": ApiAction(ResolveInputSerializer),
    "apologise": ApiAction(ApologyInputSerializer),
    "return_result": ApiAction(NoteInputSerializer),
    "stop": ApiAction(ReasonInputSerializer),
    "withdraw": ApiAction(OptionalReasonInputSerializer),
}
ACTIONS = sorted(API_ACTIONS)
DIGITISE = "digitise_document"


def _component(serializer: type) -> str:
    return serializer.__name__.removesuffix("Serializer")


ACTION_INPUT = PolymorphicProxySerializer(
    component_name="DossierActionInput",
    serializers=list(dict.fromkeys(spec.serializer for spec in API_ACTIONS.values())),
    resource_type_field_name=None,
)
ACTION_INPUT_HELP = "The body of each action (one of the schemas):\n\n" + "\n".join(
    f"- `{name}`: {_component(API_ACTIONS[name].serializer)}" for name in ACTIONS)


# --- views ------------------------------------------------------------------------------------


class DossierListCreate(generics.ListAPIView):
    """Dossiers the user may see (newest first); POST receives a dossier at the counter or by post."""

    serializer_class = DossierListSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        qs = selectors.dossiers_visible_to(self.request.user).select_related(
            "procedure", "receiving_agency", "current_agency"
        )
        status_param = self.request.query_params.get("status")
        if status_param and status_param.isdigit():
            qs = qs.filter(status=int(status_param))
        # Online dossiers not yet received (no received_at) first on every database: SQLite puts NULL last.
        return qs.order_by(F("received_at").desc(nulls_first=True), "-pk")

    @extend_schema(request=DossierReceiptSerializer, parameters=IDEMPOTENCY_PARAMETERS,
                   responses={201: DossierDetailSerializer, **IDEMPOTENCY_RESPONSES})
    @idempotent
    def post(self, request):
        serializer = DossierReceiptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        procedure = Procedure.objects.filter(code=data["procedure"]).select_related("current_version").first()
        version = procedure.current_version if procedure else None
        if version is None or version.status != ProcedureVersion.Status.PUBLISHED:
            raise DossierActionError("invalid", _("Unknown procedure, or not in force: %(code)s.")
                                     % {"code": data["procedure"]})
        case = None
        if data.get("case"):
            case = ProcedureCase.objects.filter(version=version, code=data["case"]).first()
            if case is None:
                raise DossierActionError("invalid", _("Unknown case: %(code)s.") % {"code": data["case"]})
        service_point = None
        if data.get("service_point"):
            service_point = ServicePoint.objects.filter(code=data["service_point"]).first()
            if service_point is None:
                raise DossierActionError("invalid", _("Unknown service point: %(code)s.")
                                         % {"code": data["service_point"]})
        command = services.receive_by_post if data["channel"] == "post" else services.receive_at_counter
        dossier = command(
            request.user, procedure_version=version, case=case, applicant=data["applicant"],
            owner=data.get("owner"), documents=data["documents"], service_point=service_point,
            receiving_agency=_agency(data.get("receiving_agency", "")),
            competent_agency=_agency(data.get("competent_agency", "")), return_channel=data["return_channel"],
            delivery_address=data["delivery_address"], note=data["note"], fee_exemptions=data["fee_exemptions"],
        )
        return Response(DossierDetailSerializer(dossier, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class DossierDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=DossierDetailSerializer)
    def get(self, request, code):
        dossier = selectors.visible_dossier(request.user, code)
        if dossier is None:
            raise DossierActionError("not_found", _("No such dossier."))
        return Response(DossierDetailSerializer(dossier, context={"request": request}).data)


class DossierAction(APIView):
    """Take an action on a dossier: {action} is one of the transition table's actions."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=ACTION_INPUT,
        description=ACTION_INPUT_HELP,
        responses={200: DossierDetailSerializer, **VERSION_RESPONSES, **IDEMPOTENCY_RESPONSES},
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=ACTIONS), *IDEMPOTENCY_PARAMETERS,
                    *VERSION_PARAMETERS],
    )
    @idempotent
    def post(self, request, code, action):
        if action == DIGITISE:
            raise DossierActionError("invalid", _(
                "Digitising a document has its own endpoint: POST (multipart, with the file) "
                "/api/v1/dossiers/%(code)s/documents/<document id>/digitise/.") % {"code": code})
        spec = API_ACTIONS.get(action)
        if spec is None:
            raise DossierActionError("not_found", _("Unknown action: %(action)s.") % {"action": action})
        dossier = selectors.visible_dossier(request.user, code)
        if dossier is None:
            raise DossierActionError("not_found", _("No such dossier."))
        serializer = spec.serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        version = shown_version(request, fields)
        fields.pop("version", None)
        fields.pop("expected_version", None)
        command = spec.command or getattr(services, action)
        command(request.user, dossier, expected_version=version, **spec.arguments(fields))
        dossier = Dossier.objects.get(pk=dossier.pk)
        return Response(DossierDetailSerializer(dossier, context={"request": request}).data)


class PublicTracking(APIView):
    """Anyone: status and dates of a dossier by its code; steps with the applicant's phone or ID."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    renderer_classes = [JSONRenderer]  # public and hot: no content negotiation with the browsable API
    parser_classes: list = []

    @extend_schema(
        responses={
            200: TrackingSerializer,
            404: OpenApiResponse(description="No dossier has this code."),
            429: OpenApiResponse(
                response=inline_serializer("TrackingThrottled", {"detail": serializers.CharField(),
                                                                 "code": serializers.CharField()}),
                description="Too many wrong secrets from this address or for this code (code `throttled`)."),
        },
        parameters=[OpenApiParameter(
            "secret", str, description="The applicant's phone or citizen ID: the procedure, the name and the steps. "
            "Wrong ones are throttled (5 per 10 minutes per client address and per code).")],
    )
    @method_decorator(heavy_reads)
    def get(self, request, code):
        secret = request.query_params.get("secret")
        if not secret:
            data = selectors.public_tracking(code)
        else:
            found = {}

            def proven() -> bool:
                found["data"] = selectors.public_tracking(code, secret)
                return bool(found["data"] and found["data"]["verified"])

            try:
                hooks.prove_applicant(code, request.META.get("REMOTE_ADDR", ""), proven)
            except Throttled as throttled:
                return Response({"detail": throttled.message, "code": "throttled"},
                                status=status.HTTP_429_TOO_MANY_REQUESTS,
                                headers={"Retry-After": str(throttled.retry_after)})
            data = found.get("data")
        if data is None:
            return Response({"detail": _("No dossier has this code.")}, status=status.HTTP_404_NOT_FOUND)
        return Response(_tracking_representation(data))


# The busiest public endpoint: TrackingSerializer documents the shape, but instantiating it deep-
# copies its 16 fields on every request; the same output comes from DRF's own date formatting.
_MOMENT = serializers.DateTimeField()
_TRACKING_MOMENTS = ("submitted_at", "received_at", "due_at", "appointment_at", "finished_at", "returned_at")
_STEP_MOMENTS = ("started_at", "due_at", "finished_at")


def _tracking_representation(data: dict) -> dict:
    out = dict(data)
    for key in _TRACKING_MOMENTS:
        out[key] = _MOMENT.to_representation(out[key]) if out[key] is not None else None
    out["steps"] = [
        {**step, **{k: _MOMENT.to_representation(step[k]) if step[k] is not None else None for k in _STEP_MOMENTS}}
        for step in data["steps"]
    ]
    return out

