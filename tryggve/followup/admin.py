from django.contrib import admin

from tryggve.areas.admin import MunicipalityScopedAdmin
from tryggve.followup.models import Commitment, Promise, Signatory


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0


class CommitmentInline(admin.StackedInline):
    model = Commitment
    extra = 0


@admin.register(Promise)
class PromiseAdmin(MunicipalityScopedAdmin):
    """The promise itself is reference data (signed once a year): its text, signatories and
    commitments are entered here; activities and progress on /personal/uppfoljning/."""

    list_display = ["title", "period_start", "period_end", "police_area", "published"]
    list_filter = ["published", "municipality"]
    inlines = [SignatoryInline, CommitmentInline]
