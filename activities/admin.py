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
from centres import forms_base


class ScheduleInline(forms_base.TabularInline):
    model = Schedule
    extra = 0


@admin.register(Activity)
class ActivityAdmin(forms_base.ModelAdmin):
    list_display = ["title", "category", "organisation", "capacity"]
    list_filter = ["organisation", "category"]
    list_select_related = ["organisation"]
    search_fields = ["title"]
    filter_horizontal = ["centres"]
    inlines = [ScheduleInline]


class AgendaItemInline(forms_base.TabularInline):
    model = AgendaItem
    extra = 0


class DecisionInline(forms_base.TabularInline):
    model = Decision
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(forms_base.ModelAdmin):
    list_display = ["__str__", "organisation", "starts_at", "published_at"]
    list_filter = ["organisation", "kind"]
    list_select_related = ["organisation", "centre"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, DecisionInline]


@admin.register(AgendaProposal)
class AgendaProposalAdmin(forms_base.ModelAdmin):
    list_display = ["title", "meeting", "status"]
    list_filter = ["status"]
    list_select_related = ["meeting", "meeting__centre"]


@admin.register(CalendarLink)
class CalendarLinkAdmin(forms_base.ModelAdmin):
    list_display = ["label", "organisation", "centre", "created_at", "revoked_at"]
    list_select_related = ["organisation", "centre"]
    readonly_fields = ["token"]
