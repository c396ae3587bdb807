"""API of ratings and feedback (`/api/v1/`). Errors: {"detail": message, "code": code}; a refusal
raises `FeedbackError`, answered with its code's status by `core.api.exception_handler`."""
import datetime

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from motcua.core.api import error_responses
from motcua.core.idempotency import IDEMPOTENCY_PARAMETERS, IDEMPOTENCY_RESPONSES, idempotent
from motcua.dossiers.models import Dossier
from motcua.organization.models import Agency

from . import ratings, selectors, services
from .errors import FeedbackError
from .links import code_from_token
from .models import Feedback, Level, Rating, RatingChannel, Reason, State, SubjectKind
from .views import client_ip

PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=True),
    OpenApiParameter("to", OpenApiTypes.DATE, required=True),
    OpenApiParameter("agency", str, description="Agency codes, comma-separated (within those the user serves)."),
]


def _invalid(serializer) -> Response:
    return Response({"detail": _("Check the fields marked."), "code": "invalid", "errors": serializer.errors},
                    status=status.HTTP_400_BAD_REQUEST)


class RatingInSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The token of the signed rating link (/danh-gia/<token>/).")
    level = serializers.ChoiceField(choices=Level.choices)
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=Reason.choices), required=False)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RatingSerializer(serializers.ModelSerializer):
    dossier = serializers.CharField(source="dossier.code")
    officer = serializers.CharField(source="officer.username", default=None)
    counter = serializers.IntegerField(source="counter_id", allow_null=True)
    agency = serializers.CharField(source="agency.code")

    class Meta:
        model = Rating
        fields = ["dossier", "officer", "counter", "agency", "level", "reasons", "comment", "channel", "created_at",
                  "updated_at"]


class RatingPageSerializer(serializers.Serializer):
    """The GET answer: DRF's page of ratings (the schema must say so, not a bare list)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RatingSerializer(many=True)


def _period(request):
    try:
        date_from = datetime.date.fromisoformat(request.query_params["from"])
        date_to = datetime.date.fromisoformat(request.query_params["to"])
    except (KeyError, ValueError):
        raise FeedbackError("invalid", _("Give a period: from and to as YYYY-MM-DD.")) from None
    if date_from > date_to:
        raise FeedbackError("invalid", _("The start of the period must not be after its end."))
    return date_from, date_to


def _scoped_agency_ids(request):
    """The agencies asked for (?agency=code,code), within those the user may see."""
    wanted = [c for c in request.query_params.get("agency", "").split(",") if c]
    province_wide = services.is_province_wide(request.user)
    allowed = None if province_wide else services.handler_agency_ids(request.user)
    if wanted:
        ids = set(Agency.objects.filter(code__in=wanted).values_list("pk", flat=True))
        return ids if allowed is None else ids & allowed
    return allowed


@extend_schema(methods=["POST"], request=RatingInSerializer,
               responses={201: RatingSerializer, 200: RatingSerializer, **error_responses({
                   403: "The rating link is invalid or has expired (code bad_token)",
                   409: "The dossier cannot be rated now (code not_returned, window_closed or already_rated)",
               })})
@extend_schema(methods=["GET"], responses=RatingPageSerializer,
               parameters=[OpenApiParameter("page", int, description="Page number (20 ratings a page).")])
@api_view(["GET", "POST"])
@permission_classes([AllowAny])
def rating_collection(request):
    """POST: rate a returned dossier with the signed link's token. GET: ratings (officers, scoped)."""
    if request.method == "GET":
        if not services.is_staff_member(request.user):
            raise FeedbackError("forbidden", _("Sign in as an officer."))
        qs = selectors.ratings_visible_to(request.user).order_by("-created_at", "-pk")
        from rest_framework.pagination import PageNumberPagination

        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request)
        return paginator.get_paginated_response(RatingSerializer(page, many=True).data)
    serializer = RatingInSerializer(data=request.data)
    if not serializer.is_valid():
        return _invalid(serializer)
    data = serializer.validated_data
    code = code_from_token(data["token"])
    dossier = Dossier.objects.filter(code=code).first() if code else None
    if dossier is None:
        return Response({"detail": _("This rating link is invalid or has expired."), "code": "bad_token"},
                        status=status.HTTP_403_FORBIDDEN)
    existed = Rating.objects.filter(dossier=dossier).exists()
    rating = ratings.rate(dossier, level=data["level"], reasons=data.get("reasons", []),
                          comment=data.get("comment", ""), channel=RatingChannel.PORTAL)
    return Response(RatingSerializer(rating).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


@extend_schema(parameters=PERIOD_PARAMETERS, responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def rating_summary(request):
    date_from, date_to = _period(request)
    return Response(selectors.rating_summary(date_from, date_to, _scoped_agency_ids(request)))


class FeedbackInSerializer(serializers.Serializer):
    subject_kind = serializers.ChoiceField(choices=SubjectKind.choices)
    content = serializers.CharField(max_length=5000, allow_blank=True)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    is_anonymous = serializers.BooleanField(required=False, default=False)
    sender_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    sender_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    sender_email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    sender_address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    dossier_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    procedure_code = serializers.CharField(max_length=60, required=False, allow_blank=True)


def feedback_public_data(feedback: Feedback) -> dict:
    """What the holder of the code sees (the sender): no data about other people."""
    return {
        "code": feedback.code, "title": feedback.title, "channel": feedback.channel,
        "subject_kind": feedback.subject_kind, "state": feedback.state,
        "state_label": str(State(feedback.state).label),
        "agency": feedback.agency.name if feedback.agency_id else None,
        "received_at": feedback.received_at, "resolve_due_at": feedback.resolve_due_at,
        "info_request": feedback.info_request if feedback.state == State.NEEDS_INFO else "",
        "refusal_reason": feedback.refusal_reason, "answer": feedback.answer, "answered_at": feedback.answered_at,
        "published_at": feedback.published_at, "answer_rating": feedback.answer_rating,
    }


@extend_schema(request=FeedbackInSerializer, parameters=IDEMPOTENCY_PARAMETERS,
               responses={201: OpenApiTypes.OBJECT, **IDEMPOTENCY_RESPONSES, **error_responses({
                   429: "Too many submissions from this connection in an hour (code throttled)"})})
@api_view(["POST"])
@permission_classes([AllowAny])
@idempotent
def feedback_create(request):
    serializer = FeedbackInSerializer(data=request.data)
    if not serializer.is_valid():
        return _invalid(serializer)
    feedback = services.submit_from_portal(user=request.user, client_ip=client_ip(request),
                                           **serializer.validated_data)
    return Response(feedback_public_data(feedback), status=status.HTTP_201_CREATED)


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([AllowAny])
def feedback_track(request, code):
    feedback = Feedback.objects.select_related("agency").filter(code=code).first()
    if feedback is None:
        raise FeedbackError("not_found", _("No feedback has this code."))
    return Response(feedback_public_data(feedback))


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([AllowAny])
def feedback_published(request):
    from rest_framework.pagination import PageNumberPagination

    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(selectors.published_feedback(), request)
    return paginator.get_paginated_response([
        {"code": f.code, "title": f.title, "subject_kind": f.subject_kind, "question": f.public_question,
         "answer": f.public_answer, "agency": f.agency.name if f.agency_id else None, "published_at": f.published_at}
        for f in page
    ])


@extend_schema(parameters=PERIOD_PARAMETERS, responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def feedback_summary(request):
    date_from, date_to = _period(request)
    return Response(selectors.feedback_summary(date_from, date_to, _scoped_agency_ids(request)))


ACTION_FIELDS = ("agency", "note", "reason", "request", "text", "question", "answer_text")


def _action_fields(data) -> dict:
    """The text fields of an officer action; anything but an object of strings is a 400, not a 500."""
    if not hasattr(data, "get"):
        raise FeedbackError("invalid", _("Send the fields of the action as an object."))
    fields = {}
    for name in ACTION_FIELDS:
        value = data.get(name, "")
        if not isinstance(value, str):
            raise FeedbackError("invalid", _("The field %(name)s must be text.") % {"name": name})
        fields[name] = value
    return fields


@extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT, **error_responses({
    409: "The feedback's state does not allow the action (code not_allowed)"})})
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def feedback_action(request, code, action):
    """Officer actions: route (agency code), accept, refuse (reason), request_info (request),
    answer (text), publish (question, answer_text)."""
    feedback = selectors.visible_feedback(request.user, code)
    if feedback is None:
        raise FeedbackError("not_found", _("No feedback has this code."))
    data = _action_fields(request.data)
    if action == "route":
        agency = Agency.objects.filter(code=data.get("agency", "")).first()
        if agency is None:
            raise FeedbackError("invalid", _("Choose the responsible agency."))
        feedback = services.route(request.user, feedback, agency=agency, note=data.get("note", ""))
    elif action == "accept":
        feedback = services.accept(request.user, feedback)
    elif action == "refuse":
        feedback = services.refuse(request.user, feedback, reason=data.get("reason", ""))
    elif action == "request_info":
        feedback = services.request_info(request.user, feedback, request=data.get("request", ""))
    elif action == "answer":
        feedback = services.answer(request.user, feedback, text=data.get("text", ""))
    elif action == "publish":
        feedback = services.publish(request.user, feedback, question=data.get("question", ""),
                                    answer_text=data.get("answer_text", ""))
    else:
        raise FeedbackError("not_found", _("Unknown action."))
    return Response(feedback_public_data(feedback))


