from django.core.management import call_command

from centres.models import KeyHolder, KeyLoan, OpeningHours, VisitCount


def test_demo_has_the_2023_hours_key_holders_and_a_year_of_tallies(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (OpeningHours.objects.count(), KeyHolder.objects.count(), VisitCount.objects.count())
    call_command("seed_demo")
    assert (
        OpeningHours.objects.count(),
        KeyHolder.objects.count(),
        VisitCount.objects.count(),
    ) == counts
    assert counts[1] == 10
    assert VisitCount.objects.totals()["visits"] > 5000
    assert KeyLoan.objects.open().count() == 10
    # 76F after the cut: Tuesday 8-16, Wednesday 8-15.30, Friday 8-14, staffed.
    staffed = OpeningHours.objects.filter(
        centre__name="Værestedet 76F", kind="staffed", valid_until__isnull=True
    )
    assert sorted(staffed.values_list("weekday", flat=True)) == [1, 2, 4]
