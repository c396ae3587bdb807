"""API conventions shared by every app: errors in the request's language, never a 500 for bad
input, and every status an operation can answer documented in the OpenAPI schema.

Error bodies:
- a refusal by the domain (`core.errors.DomainError`: dossier, feedback and payment errors):
  `{"detail": message, "code": code}` with the code's status (`core.errors.HTTP_STATUS`);
- a field that fails its serializer: DRF's `{"field": ["message", ...]}` (400);
- DRF's own refusals (not signed in, no permission, malformed JSON): `{"detail": message}`.

Views raise; `exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]) turns the error into the
answer, once for every app. `add_common_error_responses` (a drf-spectacular postprocessing hook)
documents the answers every operation of a kind can give (400, 401, 403, 404, 413, 415); a view
documents its own (409, 422, 428, 429) with `error_responses`.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()
        return Response({"detail": exc.message, "code": exc.code}, status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)


# --- the schema --------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """A refusal: `detail` says why in the request's language, `code` is the machine-readable reason
    (absent on DRF's own refusals). Bad fields answer `{"field": ["message", ...]}` instead."""

    detail = serializers.CharField(required=False)
    code = serializers.CharField(required=False)


def error_responses(descriptions: dict[int, str]) -> dict[int, OpenApiResponse]:
    """`extend_schema(responses=...)` entries for the refusals a view gives: {status: description}."""
    return {code: OpenApiResponse(ErrorSerializer, description=text) for code, text in descriptions.items()}


ERROR_REF = {"$ref": "#/components/schemas/Error"}
# Query parameters that only page through a list: a wrong value answers 404 (no such page), not 400.
PAGING = {"page", "page_size"}


def _json(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def _common_responses(operation: dict) -> dict[str, dict]:
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    signed_in = any(requirement for requirement in operation.get("security", [{}]))
    responses = {}
    if has_body or any(p["in"] != "path" and p["name"] not in PAGING for p in parameters):
        responses["400"] = {
            "description": "Bad input: `{\"field\": [messages]}` for a field that fails its checks, or "
                           "`{\"detail\", \"code\"}` (code `invalid`, or the upload check's code)",
            "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
        }
    if signed_in:
        responses["401"] = _json("The API token is unknown, revoked or expired (code `token_invalid` or "
                                 "`token_expired`)")
        responses["403"] = _json("Not signed in, or not allowed to do this (code `forbidden` when the domain "
                                 "refuses)")
    if any(p["in"] == "path" for p in parameters) or any(p["name"] in PAGING for p in parameters):
        # Django's URL resolver answers a path that does not match (e.g. a value holding "/") with its HTML page.
        responses["404"] = {
            "description": "No such object for this caller, or no such page (code `not_found` when the domain "
                           "says so)",
            "content": {"application/json": {"schema": ERROR_REF}, "text/html": {"schema": {"type": "string"}}},
        }
    if has_body:
        responses["413"] = _json("The body is over the size limits (UPLOAD_MAX_REQUEST_SIZE), refused before "
                                 "it is read")
        responses["415"] = _json("The body's content type is not one the operation takes")
    return responses


def add_common_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document on every operation the refusals shared by all
    operations of its kind, unless the view documents them itself."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", {
        "type": "object",
        "description": ErrorSerializer.__doc__,
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    })
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status_code, response in _common_responses(operation).items():
                responses.setdefault(status_code, response)
            operation["responses"] = dict(sorted(responses.items()))
    return result
