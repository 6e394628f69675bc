from centres.admin import UserAdminCreationForm
from centres.models import Role
from tests.factories import TOTPDeviceFactory


def form(world, **data):
    values = {
        "username": "dora",
        "first_name": "Dora",
        "email": "dora@example.org",
        "organisation": world.org_a.pk,
        "role": Role.STAFF,
        "centres": [world.centre_a.pk],
        "usable_password": "true",
        "password1": "a long enough password",
        "password2": "a long enough password",
    }
    values.update(data)
    return UserAdminCreationForm(data=values)


def test_admin_creates_staff_with_a_centre(world):
    f = form(world)
    assert f.is_valid(), f.errors
    user = f.save()
    assert list(user.centres.all()) == [world.centre_a]


def test_admin_refuses_a_centre_of_another_organisation(world):
    f = form(world, centres=[world.centre_z.pk])
    assert not f.is_valid()
    assert "Zentrum" in str(f.errors["centres"])


def test_admin_refuses_staff_without_centre_and_users_without_role(world):
    assert "centres" in form(world, centres=[]).errors
    assert form(world, role="").errors


def test_superuser_opens_the_centres_admin_lists(db, client_for, django_user_model):
    from django.urls import reverse

    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client = client_for(root)
    for model in ["openinghours", "closure", "keyholder", "keyfob", "keyloan"]:
        assert client.get(reverse(f"admin:centres_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:centres_{model}_add")).status_code == 200


def test_a_superuser_gives_a_code_before_the_admin(db, client, django_user_model):
    from django.urls import reverse

    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    response = client.get(reverse("admin:centres_centre_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
    TOTPDeviceFactory(user=root)
    response = client.get(reverse("admin:centres_centre_changelist"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
