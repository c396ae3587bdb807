"""API of the signed-in citizen's account (`/api/v1/me/`)."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .models import CitizenAccount


class MeSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=CitizenAccount._meta.get_field("kind").choices)
    identity_source = serializers.ChoiceField(choices=CitizenAccount._meta.get_field("identity_source").choices)

    class Meta:
        model = CitizenAccount
        fields = ["kind", "full_name", "citizen_id", "birth_date", "phone", "email", "address", "business_name",
                  "tax_code", "identity_source", "identity_verified_at", "created_at"]
        read_only_fields = fields


@extend_schema(
    operation_id="me_retrieve",
    summary="The signed-in citizen's or business's profile",
    description="Session or token authentication. Officers (users without a citizen account) get 403.",
    responses={200: MeSerializer, 401: OpenApiResponse(description="Not signed in."),
               403: OpenApiResponse(description="Not a citizen or business account.")},
    tags=["accounts"],
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me(request):
    account = CitizenAccount.objects.filter(user=request.user).first()
    if account is None:
        raise PermissionDenied(_("This is not a citizen or business account."))
    return Response(MeSerializer(account).data)
