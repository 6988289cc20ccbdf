from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from assessment.models import Assessment, Consensus, Membership, Place, Respondent, Response
from assessment.services.places import member_invite, memberships_saved_record


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

    def save_formset(self, request, form, formset, change):
        """Someone added to a place here (its first lead, say) is told, as a lead's adding
        them from the place's page tells them: with a link to set a password if they have none.
        Each person added, moved to another role or removed goes in the audit log."""
        added = [m for m in formset.save(commit=False) if m.pk is None]
        super().save_formset(request, form, formset, change)
        memberships_saved_record(formset, by=request.user, request=request)
        base_url = request.build_absolute_uri("/")[:-1]
        for membership in added:
            outcome = member_invite(membership=membership, base_url=base_url)
            if outcome.failed:
                messages.warning(
                    request,
                    f"The e-mail telling {membership.user.email} they were added could not be "
                    f"sent: use “Resend invitation” on the place's page.",
                )


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
