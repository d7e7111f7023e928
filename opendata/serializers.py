"""What each resource says, field by field: plain English names, ISO 8601 dates, money as a
string with two decimals in euro (`currency: "EUR"`).

Nothing personal: no e-mail address, no name of a resident, no address. Initiatives show
no initiator; granted subsidies name their recipient only when the application was clearly
made by an organisation, which nothing records yet (see `recipient`).
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from budget.models import PHASE_ORDER, Phase
from core.models import Municipality

CURRENCY = "EUR"


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


def _site_url(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


class ProblemSerializer(serializers.Serializer):
    """An error (RFC 9457 problem details)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    invalid_params = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()), required=False
    )


class WijkSerializer(serializers.Serializer):
    """A wijk. A `boundary` field (GeoJSON) will be added once the maps work lands."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    # Still the name as it was a plain text field ("Brunssum"): no change for API users.
    municipality = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_municipality(self, wijk) -> str:
        # The few municipalities are read once per answer (the serializers of a list share
        # their context), not once per wijk, whatever selector listed the wijken.
        names = self.context.get("municipality_names")
        if names is None:
            names = {item.pk: item.short_name for item in Municipality.objects.all()}
            self.context["municipality_names"] = names
        return names[wijk.municipality_id]


class InitiativeSerializer(serializers.Serializer):
    """A public initiative: what it is, where, its status and dates, and how many support it."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    description = serializers.CharField()
    themes = serializers.ListField(child=serializers.CharField())
    wijk = serializers.SlugField(source="wijk.slug")
    status = serializers.CharField()
    support_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField(allow_blank=True)
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _site_url(self.context["request"], "initiatives:detail", obj.pk)


class SchemeSerializer(serializers.Serializer):
    """A subsidy scheme of one year, for one wijk or (wijk null) the whole municipality."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    wijk = serializers.SlugField(source="wijk.slug", allow_null=True)
    currency = serializers.SerializerMethodField()
    pot = _money()
    remaining = _money()
    min_amount = _money()
    max_amount = _money()
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    eligibility = serializers.CharField(allow_blank=True)
    decision_weeks = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_currency(self, obj) -> str:
        return CURRENCY

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _site_url(self.context["request"], "subsidies:scheme_detail", obj.pk)


class InitiativeLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class GrantSerializer(serializers.Serializer):
    """A granted subsidy: the amounts, what it is for, the scheme and the initiative."""

    id = serializers.IntegerField()
    scheme = serializers.IntegerField(source="scheme_id")
    scheme_name = serializers.CharField(source="scheme.name")
    initiative = InitiativeLinkSerializer()
    wijk = serializers.SlugField(source="initiative.wijk.slug")
    status = serializers.CharField()
    currency = serializers.SerializerMethodField()
    granted_amount = _money()
    final_amount = _money(allow_null=True)
    purpose = serializers.CharField(allow_blank=True)
    decided_on = serializers.SerializerMethodField()
    recipient = serializers.SerializerMethodField()

    def get_currency(self, obj) -> str:
        return CURRENCY

    @extend_schema_field(OpenApiTypes.DATE)
    def get_decided_on(self, obj):
        return timezone.localdate(obj.decided_at).isoformat()

    @extend_schema_field({"type": ["string", "null"]})
    def get_recipient(self, obj) -> str | None:
        # Only an organisation is ever named. The application's one name field holds either
        # a resident's full name or an association's, and nothing says which: so never.
        return None


class PhaseSerializer(serializers.Serializer):
    name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)


def _phases(budget_round) -> list[dict]:
    starts = [
        budget_round.proposals_start,
        budget_round.review_start,
        budget_round.voting_start,
        budget_round.voting_end,
        budget_round.realisation_start,
    ]
    named = PHASE_ORDER[1:]  # "upcoming" is before the first phase, not one of them
    return [
        {
            "name": name,
            "starts_at": start,
            "ends_at": starts[i + 1] if i + 1 < len(starts) else None,
        }
        for i, (name, start) in enumerate(zip(named, starts, strict=True))
    ]


class RoundSerializer(serializers.Serializer):
    """A wijkbudget round: its budget, its dated phases and whether its result is out."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    wijk = serializers.SlugField(source="wijk.slug")
    currency = serializers.SerializerMethodField()
    budget = _money()
    ballot_style = serializers.CharField()
    rule = serializers.CharField()
    phase = serializers.ChoiceField(choices=Phase.values)
    phases = serializers.SerializerMethodField()
    result_published = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_currency(self, obj) -> str:
        return CURRENCY

    @extend_schema_field(PhaseSerializer(many=True))
    def get_phases(self, obj):
        return PhaseSerializer(_phases(obj), many=True).data

    def get_result_published(self, obj) -> bool:
        result = getattr(obj, "result", None)
        return result is not None and result.published_at is not None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _site_url(self.context["request"], "budget:round_detail", obj.pk)


class ProjectSerializer(serializers.Serializer):
    """A project of a round as its page shows it; votes and funded once the result is out."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    cost = _money(allow_null=True)
    status = serializers.CharField()
    decision_reason = serializers.CharField(allow_blank=True)
    initiative = serializers.IntegerField(source="initiative_id", allow_null=True)
    votes = serializers.IntegerField(allow_null=True)
    funded = serializers.BooleanField(allow_null=True)
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _site_url(self.context["request"], "budget:project_detail", obj.pk)


class RuleFigureSerializer(serializers.Serializer):
    rule = serializers.CharField()
    chosen = serializers.BooleanField()
    funded = serializers.ListField(child=serializers.IntegerField())
    total_cost = _money()
    voters = serializers.IntegerField()
    voters_reached = serializers.IntegerField()


class ResultSerializer(serializers.Serializer):
    """A published count: funded projects in order, figures per rule, turnout, the .pb file."""

    rule = serializers.CharField()
    funded = serializers.ListField(child=serializers.IntegerField())
    budget_used = _money()
    ballot_count = serializers.IntegerField()
    eligible_count = serializers.IntegerField()
    turnout = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    counted_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField()
    rules = RuleFigureSerializer(many=True)
    pb_url = serializers.URLField()
    pb_sha256 = serializers.CharField()
    url = serializers.URLField()


class RoundDetailSerializer(RoundSerializer):
    """A round with its projects and, once published, its result."""

    projects = ProjectSerializer(many=True)
    result = ResultSerializer(allow_null=True)


def result_data(*, request, budget_round, result) -> dict:
    """The published result as ResultSerializer's fields."""
    return {
        "rule": result.rule,
        "funded": list(result.funded),
        "budget_used": result.budget_used,
        "ballot_count": result.ballot_count,
        "eligible_count": result.eligible_count,
        "turnout": None if result.turnout is None else round(result.turnout, 1),
        "counted_at": result.counted_at,
        "published_at": result.published_at,
        "rules": [
            {
                "rule": rule,
                "chosen": rule == result.rule,
                "funded": figure["funded"],
                "total_cost": Decimal(figure["total_cost"]),
                "voters": figure["voters"],
                "voters_reached": figure["reached"],
            }
            for rule, figure in result.figures.items()
        ],
        "pb_url": _site_url(request, "budget:result_pb", budget_round.pk),
        "pb_sha256": result.pb_sha256,
        "url": _site_url(request, "budget:result", budget_round.pk),
    }


class PageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    wijken = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_wijken(self, obj) -> list[str]:
        return [wijk.slug for wijk in obj.wijken.all()]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return self.context["urls"].get(obj.pk, "")


class NewsSerializer(PageSerializer):
    """A published news item."""

    date = serializers.DateField()
    intro = serializers.CharField()


class DecisionSerializer(PageSerializer):
    """A published decision."""

    decided_on = serializers.DateField()
    kind = serializers.CharField()
    summary = serializers.CharField()
    panel_advice = serializers.CharField(allow_blank=True)
    decided_url = serializers.CharField(allow_blank=True)


class EventSerializer(PageSerializer):
    """An event in a wijk."""

    date = serializers.DateField()
    start_time = serializers.TimeField()
    end_time = serializers.TimeField(allow_null=True)
    place = serializers.CharField()
    intro = serializers.CharField()


class FigureSerializer(serializers.Serializer):
    """One figure; `value` null when it is suppressed (rests on 1 to 4) or not counted yet."""

    code = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["count", "money", "percent"])
    value = serializers.CharField(allow_null=True)
    suppressed = serializers.BooleanField()


class WijkFiguresSerializer(serializers.Serializer):
    wijk = serializers.SlugField()
    figures = FigureSerializer(many=True)


class StatusCountSerializer(serializers.Serializer):
    status = serializers.CharField()
    count = serializers.IntegerField()


class PeriodFiguresSerializer(serializers.Serializer):
    period = serializers.CharField()
    starts_on = serializers.DateField()
    figures = FigureSerializer(many=True)


class RoundTurnoutSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    name = serializers.CharField()
    wijk = serializers.SlugField()
    voters = serializers.IntegerField()
    eligible = serializers.IntegerField(allow_null=True)
    turnout = serializers.CharField(allow_null=True)
    budget = _money()
    budget_used = _money(allow_null=True)


class StatisticsSerializer(serializers.Serializer):
    """The statistics page as data, with the same small numbers suppressed."""

    wijk = serializers.SlugField(allow_null=True)
    period = serializers.ChoiceField(choices=["month", "quarter"])
    totals = FigureSerializer(many=True)
    wijken = WijkFiguresSerializer(many=True)
    initiative_statuses = StatusCountSerializer(many=True)
    periods = PeriodFiguresSerializer(many=True)
    rounds = RoundTurnoutSerializer(many=True)
