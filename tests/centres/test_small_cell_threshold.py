"""Each organisation's smallest number shown outside it: 5 unless set, never under 3,
set by a superuser in the admin."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from centres.models import Organisation


def test_an_organisation_hides_numbers_under_five_unless_told_otherwise(db):
    assert Organisation.objects.create(name="Nyt sted").small_cell_threshold == 5


def test_an_organisation_inserted_in_sql_gets_five_too(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO centres_organisation (name) VALUES ('I SQL') "
            "RETURNING small_cell_threshold"
        )
        assert cursor.fetchone() == (5,)


def test_the_database_refuses_a_threshold_under_three(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=world.org_a.pk).update(small_cell_threshold=2)
    Organisation.objects.filter(pk=world.org_a.pk).update(small_cell_threshold=3)
    world.org_a.refresh_from_db()
    assert world.org_a.small_cell_threshold == 3


@pytest.fixture
def admin_client(db, client_for, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    return client_for(root)


def change(admin_client, organisation, threshold):
    return admin_client.post(
        reverse("admin:centres_organisation_change", args=[organisation.pk]),
        {
            "name": organisation.name,
            "small_cell_threshold": threshold,
            "qualifications_for_two_staff": ["trained"],
        },
    )


def test_a_superuser_sets_the_threshold_in_the_admin(world, admin_client):
    page = admin_client.get(reverse("admin:centres_organisation_change", args=[world.org_a.pk]))
    assert "Mindste tal, der vises uden for organisationen" in page.content.decode()
    response = change(admin_client, world.org_a, 4)
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert world.org_a.small_cell_threshold == 4


def test_the_admin_refuses_a_threshold_under_three_with_a_danish_message(world, admin_client):
    response = change(admin_client, world.org_a, 2)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["small_cell_threshold"]
    assert "større end eller lig 3" in " ".join(errors)
    world.org_a.refresh_from_db()
    assert world.org_a.small_cell_threshold == 5
