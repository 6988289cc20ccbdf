from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessment.models import Assessment, Consensus, Membership, Place, Respondent, Response


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [MembershipInline]


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["place", "period", "status", "sharing", "deadline", "created_at"]
    list_filter = ["status", "sharing", "place__region"]
    list_select_related = ["place"]
    search_fields = ["place__name", "period"]
    filter_horizontal = ["framework_versions"]


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):
    list_display = ["name", "assessment", "user", "submitted_at", "imported"]
    list_select_related = ["assessment__place", "user"]
    search_fields = ["name", "user__email"]


@admin.register(Response)
class ResponseAdmin(SimpleHistoryAdmin):
    list_display = ["respondent", "item", "current", "target", "confidence", "updated_at"]
    list_select_related = ["respondent", "item"]
    raw_id_fields = ["respondent", "item"]


@admin.register(Consensus)
class ConsensusAdmin(SimpleHistoryAdmin):
    list_display = ["assessment", "item", "current", "target", "revision", "recorded_at"]
    list_select_related = ["assessment__place", "item"]
    raw_id_fields = ["assessment", "item"]
