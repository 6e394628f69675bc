import datetime

import factory
from django.utils import timezone

from centres.models import (
    Closure,
    KeyFob,
    KeyHolder,
    KeyLoan,
    KioskDevice,
    OpeningHours,
    OpeningKind,
    RotaShift,
    Shift,
    StaffAbsence,
    TallyEvent,
    TallyEventState,
    TallyFlag,
    UserRunOpening,
    VisitKind,
)
from tests.factories import CentreFactory, OrganisationFactory, UserFactory


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    centre = factory.SubFactory(CentreFactory)
    weekday = 1
    starts = datetime.time(8)
    ends = datetime.time(16)
    kind = OpeningKind.STAFFED
    valid_from = datetime.date(2020, 1, 1)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    centre = factory.SubFactory(CentreFactory)
    starts = datetime.date(2026, 7, 6)
    ends = datetime.date(2026, 7, 24)
    reason = "Sommerferie"


class KeyHolderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyHolder

    organisation = factory.SubFactory(OrganisationFactory)
    alias = factory.Sequence(lambda n: f"Nøgle-{n}")
    agreement_signed = datetime.date(2025, 3, 1)
    safety_briefing = datetime.date(2025, 3, 1)


class KeyFobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyFob
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    number = factory.Sequence(lambda n: f"B-{n:03d}")

    @factory.post_generation
    def centres(self, create, extracted, **kwargs):
        if create and extracted:
            self.centres.set(extracted)


class KeyLoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyLoan

    fob = factory.SubFactory(KeyFobFactory)
    holder = factory.SubFactory(KeyHolderFactory)
    issued = factory.LazyFunction(timezone.localdate)


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    centre = factory.SubFactory(CentreFactory)
    worker = factory.SubFactory(UserFactory)
    starts = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0))
    ends = factory.LazyAttribute(lambda s: s.starts + datetime.timedelta(hours=8))


class RotaShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotaShift

    centre = factory.SubFactory(CentreFactory)
    worker = factory.SubFactory(UserFactory)
    weekday = 0
    starts = datetime.time(10)
    ends = datetime.time(16)
    valid_from = factory.LazyFunction(timezone.localdate)


class StaffAbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAbsence

    worker = factory.SubFactory(UserFactory)
    first_day = factory.LazyFunction(timezone.localdate)
    last_day = factory.LazyAttribute(lambda a: a.first_day + datetime.timedelta(days=2))
    reason = "sick"


class UserRunOpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserRunOpening

    centre = factory.SubFactory(CentreFactory)
    starts = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    ends = factory.LazyAttribute(lambda r: r.starts + datetime.timedelta(hours=4))
    key_holder = factory.SubFactory(KeyHolderFactory)


class FlaggedTapFactory(factory.django.DjangoModelFactory):
    """A tap from a counter's queue that waits for the leader (its device's clock was off)."""

    class Meta:
        model = TallyEvent

    id = factory.Faker("uuid4", cast_to=None)
    centre = factory.SubFactory(CentreFactory)
    action = "tap"
    happened_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=3))
    device_time = factory.LazyAttribute(lambda o: o.happened_at + datetime.timedelta(hours=2))
    clock_offset = factory.LazyAttribute(lambda o: o.happened_at - o.device_time)
    date = factory.LazyAttribute(lambda o: timezone.localtime(o.happened_at).date())
    hour = factory.LazyAttribute(lambda o: timezone.localtime(o.happened_at).hour)
    kind = VisitKind.STAFFED
    received_at = factory.LazyFunction(timezone.now)
    state = TallyEventState.FLAGGED
    flag = TallyFlag.CLOCK


class KioskDeviceFactory(factory.django.DjangoModelFactory):
    """A registered tablet, not yet paired (pair it with `pair_kiosk`)."""

    class Meta:
        model = KioskDevice

    centre = factory.SubFactory(CentreFactory)
    name = factory.Sequence(lambda n: f"Tablet ved kaffen {n}")


def pair_kiosk(device):
    """Give `device` a code and pair it at once; return the cookie's token."""
    code = device.new_code()
    _device, token = KioskDevice.pair(code)
    device.refresh_from_db()
    return token
