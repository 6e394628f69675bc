import pytest
from django.urls import reverse

from tests.activities.factories import ActivityFactory, MeetingFactory


@pytest.mark.parametrize("model", ["activity", "meeting", "agendaproposal", "calendarlink"])
def test_superuser_reads_the_activities_admin(world, client_for, django_user_model, model):
    ActivityFactory(organisation=world.org_a, centres=[world.centre_a])
    MeetingFactory(organisation=world.org_a, centre=world.centre_a)
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client = client_for(root)
    assert client.get(reverse(f"admin:activities_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:activities_{model}_add")).status_code == 200
