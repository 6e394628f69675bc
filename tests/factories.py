import factory

from centres.models import Centre, Organisation, Role, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Organisation {n}")


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Værested {n}")
    address = factory.Sequence(lambda n: f"Torvet {n}, 4690 Haslev")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="da_DK")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.STAFF
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def centres(self, create, extracted, **kwargs):
        if create and extracted:
            self.centres.set(extracted)


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """An authenticator app, confirmed: the user signs in with its codes."""

    class Meta:
        model = "otp_totp.TOTPDevice"

    user = factory.SubFactory(UserFactory)
    name = "app"
    confirmed = True


def totp_code(device, offset=0):
    """The code `device`'s app shows now (or `offset` steps of 30 s from now)."""
    return code_for_key(device.bin_key, offset)


def code_for_key(key, offset=0):
    """The six-digit code an authenticator app shows for the binary secret `key`."""
    from django_otp.oath import totp

    return f"{totp(key, drift=offset):06d}"


def app_device_for(user):
    """Return the user's confirmed app device, making one if needed, ready for a new code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDeviceFactory(
        user=user
    )
    # A code is accepted once per 30 s step; tests sign the same person in again at once.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    return device
