"""The API view that revokes the signed-in user's API token (motcua.core.authentication)."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView


class RevokeToken(APIView):
    """The signed-in user revokes their API token (the one used, or the one they have)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Revoked: the token no longer works"),
                                            404: OpenApiResponse(description="The user has no API token")})
    def delete(self, request):
        deleted, _kinds = Token.objects.filter(user=request.user).delete()
        if not deleted:
            return Response({"detail": _("You have no API token."), "code": "not_found"},
                            status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)
