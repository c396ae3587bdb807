"""Public read-only representation of the catalogue."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.organization.models import Agency, AdministrativeLevel, Counter

from . import selectors
from .translation import TRANSLATION_LANGUAGES, is_translated, translated_fields, translation_column
from .models import Fee, FeeExemption, Field, ProcedureCase, ProcedureVersion, ProcessStep, RequiredDocument


def with_english(model, fields: list[str]) -> list[str]:
    """`fields` with the English twin of each translatable one right after it (`name`, `name_en`).

    The Vietnamese text is the official one and is always given; the English one is "" where the
    catalogue has no translation (the client then shows the Vietnamese text, marked as such).
    """
    result = []
    for name in fields:
        result.append(name)
        if name in translated_fields(model):
            result.append(translation_column(name, "en"))
    return result


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = with_english(Field, ["code", "name"])


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdministrativeLevel
        fields = ["code", "name"]


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name", "address", "phone"]


class CaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureCase
        fields = with_english(ProcedureCase, ["code", "name", "time_limit", "time_limit_unit", "online_time_limit"])


class DocumentSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = RequiredDocument
        fields = with_english(RequiredDocument, [
            "name",
            "form_name",
            "originals",
            "certified_copies",
            "copies",
            "is_required",
            "reusable_from_store",
            "case",
        ])


class ExemptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeExemption
        fields = with_english(FeeExemption, ["beneficiary", "percent", "legal_basis"])


class FeeSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    exemptions = ExemptionSerializer(many=True, read_only=True)

    class Meta:
        model = Fee
        fields = with_english(Fee, ["kind", "name", "amount", "description", "case", "exemptions"])


class StepSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ProcessStep
        fields = with_english(ProcessStep, ["order", "name", "role", "unit", "agency", "budget_hours", "case"])


class CounterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Counter
        fields = ["number", "name"]


class SubmissionPlaceSerializer(serializers.Serializer):
    code = serializers.CharField(source="service_point.code")
    name = serializers.CharField(source="service_point.name")
    address = serializers.CharField(source="service_point.address")
    phone = serializers.CharField(source="service_point.phone")
    counters = CounterSerializer(many=True)


class WhereToSubmitSerializer(serializers.Serializer):
    receiving_agencies = AgencySerializer(many=True)
    service_points = SubmissionPlaceSerializer(many=True)


class ProcedureListSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="procedure.code")
    national_code = serializers.CharField(source="procedure.national_code")
    version = serializers.IntegerField(source="number")
    field = FieldSerializer()
    levels = LevelSerializer(many=True)
    time_limit_text = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()

    class Meta:
        model = ProcedureVersion
        fields = with_english(ProcedureVersion, [
            "code",
            "national_code",
            "name",
            "version",
            "field",
            "levels",
            "time_limit",
            "time_limit_unit",
            "time_limit_text",
            "online_level",
            "languages",
        ])

    def get_time_limit_text(self, version) -> str:
        return selectors.time_limit_text(version.time_limit, version.time_limit_unit)

    @extend_schema_field(serializers.ListField(
        child=serializers.CharField(),
        help_text='Languages the procedure is published in: always "vi", plus "en" when it has an English name.'))
    def get_languages(self, version):
        return ["vi"] + [code for code in TRANSLATION_LANGUAGES if is_translated(version, code)]


class ProcedureDetailSerializer(ProcedureListSerializer):
    competent_agencies = AgencySerializer(many=True)
    channels = serializers.SerializerMethodField()
    where_to_submit = serializers.SerializerMethodField()
    cases = CaseSerializer(many=True)
    documents = DocumentSerializer(many=True)
    fees = FeeSerializer(many=True)
    steps = StepSerializer(many=True)

    class Meta(ProcedureListSerializer.Meta):
        fields = ProcedureListSerializer.Meta.fields + with_english(ProcedureVersion, [
            "valid_from",
            "applicant_kinds",
            "description",
            "requirements",
            "result_description",
            "legal_basis",
            "service_promise",
            "online_time_limit",
            "is_same_day",
            "is_on_the_spot",
            "legacy_online_level",
            "channels",
            "saturday_service",
            "is_boundary_free",
            "is_inter_agency",
            "online_fee_discount_percent",
            "fee_payable_at",
            "competent_agencies",
            "where_to_submit",
            "cases",
            "documents",
            "fees",
            "steps",
        ])

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(), help_text="Channels the procedure accepts: counter, online, post."
        )
    )
    def get_channels(self, version):
        return selectors.channels(version)

    @extend_schema_field(WhereToSubmitSerializer)
    def get_where_to_submit(self, version):
        agencies, places = selectors.where_to_submit(version)
        return WhereToSubmitSerializer({"receiving_agencies": agencies, "service_points": places}).data
