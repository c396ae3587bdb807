"""Public read API of the catalogue: anyone may search and read procedures in force."""
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.permissions import AllowAny

from . import selectors
from .serializers import ProcedureDetailSerializer, ProcedureListSerializer

FILTER_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Words of the name or a code; case and diacritics ignored."),
    OpenApiParameter("field", OpenApiTypes.STR, description="Field code, e.g. ho-tich."),
    OpenApiParameter("agency", OpenApiTypes.STR, description="Agency identifier code, e.g. 000.00.10.H99."),
    OpenApiParameter("level", OpenApiTypes.STR, description="Administrative level code."),
    OpenApiParameter("online_level", OpenApiTypes.STR, enum=selectors.ONLINE_LEVELS),
]


@extend_schema(parameters=FILTER_PARAMETERS, tags=["catalogue"])
class ProcedureListView(generics.ListAPIView):
    """Procedures in force, searchable (in Vietnamese or by English name) and filterable.

    Every catalogue text comes in Vietnamese, the official text (`name`), and in English where the
    catalogue has a translation (`name_en`; "" where it has none); `languages` lists both."""

    serializer_class = ProcedureListSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_queryset(self):
        params = self.request.query_params
        try:
            queryset = selectors.filter_catalogue(
                selectors.published(),
                field=params.get("field"),
                agency=params.get("agency"),
                level=params.get("level"),
                online_level=params.get("online_level"),
            )
        except selectors.UnknownFilter as error:
            raise exceptions.ValidationError({error.param: [error.message]}) from None
        return selectors.for_list(selectors.search(queryset, params.get("q")))


@extend_schema(tags=["catalogue"])
class ProcedureDetailView(generics.RetrieveAPIView):
    """One procedure in force, in full, by its province code."""

    serializer_class = ProcedureDetailSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    lookup_field = "code"

    def get_object(self):
        version = selectors.published_by_code(self.kwargs["code"])
        if version is None:
            raise Http404(_("No procedure in force has this code."))
        return version
