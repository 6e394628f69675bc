import pytest
from django.db import IntegrityError, transaction

from centres.models import Centre, Role, User
from tests.factories import CentreFactory, UserFactory


def names(queryset):
    return sorted(c.name for c in queryset)


def test_leader_sees_every_centre_of_the_organisation_and_no_other(world):
    assert names(Centre.objects.for_user(world.leader)) == [
        "Værestedet 76F",
        "Værestedet Frederiksgade",
    ]


def test_staff_and_outreach_see_only_their_named_centres(world):
    assert names(Centre.objects.for_user(world.staff_a)) == ["Værestedet 76F"]
    assert names(Centre.objects.for_user(world.staff_b)) == ["Værestedet Frederiksgade"]
    assert names(Centre.objects.for_user(world.outreach)) == ["Værestedet 76F"]


def test_association_member_sees_the_organisations_centres(world):
    assert names(Centre.objects.for_user(world.association)) == [
        "Værestedet 76F",
        "Værestedet Frederiksgade",
    ]


def test_other_organisations_leader_sees_only_their_own(world):
    assert names(Centre.objects.for_user(world.other_leader)) == ["Zentrum"]


def test_a_centre_of_another_organisation_never_shows_even_if_assigned(world):
    # Defence in depth: a stray assignment across organisations grants nothing.
    world.staff_a.centres.add(world.centre_z)
    assert names(Centre.objects.for_user(world.staff_a)) == ["Værestedet 76F"]


def test_anonymous_and_roleless_users_see_nothing(world, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not Centre.objects.for_user(AnonymousUser()).exists()
    superuser = User.objects.create_superuser("root", "root@example.org", "x")
    assert not Centre.objects.for_user(superuser).exists()


def test_for_user_is_one_query_and_chainable(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert list(Centre.objects.for_user(world.staff_a).filter(name__startswith="Vær"))


def values(centre):
    return [getattr(centre, field.attname) for field in Centre._meta.concrete_fields]


def tally_lookup(user, pk):
    try:
        centre = Centre.objects.get_for_tally(user, pk)
    except Centre.DoesNotExist:
        return None
    return values(centre)


def for_user_lookup(user, pk):
    found = Centre.objects.for_user(user).filter(pk=pk)
    return next((values(c) for c in found), None)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("named", [[], ["centre_a"], ["centre_a", "centre_z"]])
def test_the_tallys_raw_lookup_finds_what_for_user_finds(world, role, named):
    # The tally reads its centre in raw SQL; the rule must stay for_user's for every role,
    # with and without named centres, including a stray one in another organisation.
    user = UserFactory(organisation=world.org_a, role=role)
    user.centres.set([getattr(world, name) for name in named])
    # Every column as the ORM reads it, the JSON list too.
    Centre.objects.filter(pk=world.centre_a.pk).update(target_groups=["homeless", "addiction"])
    for pk in (world.centre_a.pk, world.centre_b.pk, world.centre_z.pk, 0, 2**63 - 1, 10**30):
        assert tally_lookup(user, pk) == for_user_lookup(user, pk)


def test_the_tallys_raw_lookup_finds_nothing_for_anonymous_and_roleless_users(world):
    from django.contrib.auth.models import AnonymousUser

    superuser = User.objects.create_superuser("root", "root@example.org", "x")
    for user in (AnonymousUser(), superuser):
        assert tally_lookup(user, world.centre_a.pk) is None


def test_database_refuses_a_user_without_organisation_or_role(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(organisation=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role="")


def test_superuser_needs_no_organisation(db):
    user = User.objects.create_superuser("root", "root@example.org", "x")
    assert user.organisation is None


def test_centre_names_are_unique_within_an_organisation(world):
    CentreFactory(organisation=world.org_z, name="Værestedet 76F")  # another organisation: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        CentreFactory(organisation=world.org_a, name="Værestedet 76F")


def test_users_of_the_same_organisation(world):
    members = User.objects.in_organisation_of(world.leader)
    assert sorted(u.username for u in members) == ["alice", "asta", "bob", "carol", "otto"]


def test_roles_are_labelled_in_danish(world):
    assert str(Role.OUTREACH.label) == "Fremskudt medarbejder"
    assert world.staff_a.has_role(Role.STAFF, Role.LEADER)
    assert not world.association.has_role(Role.STAFF)


def test_people_are_trained_staff_and_only_trained_staff_count_for_two_staff_by_default(db):
    from django.db import connection

    from centres.models import Organisation, Qualification
    from tests.factories import UserFactory

    assert UserFactory().qualification == Qualification.TRAINED
    with connection.cursor() as cursor:  # as seed_scale inserts them
        cursor.execute("INSERT INTO centres_organisation (name) VALUES ('I SQL') RETURNING id")
        (pk,) = cursor.fetchone()
    assert Organisation.objects.get(pk=pk).qualifications_for_two_staff == ["trained"]
