from django.contrib import admin

from activities.models import (
    Activity,
    AgendaItem,
    AgendaProposal,
    CalendarLink,
    Decision,
    Meeting,
    Schedule,
)


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "organisation", "capacity"]
    list_filter = ["organisation", "category"]
    list_select_related = ["organisation"]
    search_fields = ["title"]
    filter_horizontal = ["centres"]
    inlines = [ScheduleInline]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "starts_at", "published_at"]
    list_filter = ["organisation", "kind"]
    list_select_related = ["organisation", "centre"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, DecisionInline]


@admin.register(AgendaProposal)
class AgendaProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "status"]
    list_filter = ["status"]
    list_select_related = ["meeting", "meeting__centre"]


@admin.register(CalendarLink)
class CalendarLinkAdmin(admin.ModelAdmin):
    list_display = ["label", "organisation", "centre", "created_at", "revoked_at"]
    list_select_related = ["organisation", "centre"]
    readonly_fields = ["token"]
