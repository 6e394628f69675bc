import datetime

from django.urls import reverse
from django.utils import timezone

from centres.models import Centre


def test_leader_edits_the_profile_and_the_reminder_goes(world, client_for):
    client = client_for(world.leader)
    reminder = "Tjek profilen for Værestedet 76F på Tilbudsportalen"
    assert reminder in client.get(reverse("home")).content.decode()
    url = reverse("centres:profile", args=[world.centre_a.pk])
    data = {
        "address": "Præstøvej 76F, 4640 Faxe",
        "phone": "56 20 30 40",
        "legal_basis": "s104",
        "target_groups": ["alcohol_use", "homelessness"],
        "age_from": "18",
        "age_to": "80",
        "places": "60",
        "methods": "Fristed, samvær",
        "safety_instructions": "Ring 112, derefter lederen.",
        "tilbudsportalen_checked": timezone.localdate().isoformat(),
    }
    assert client.post(url, data).status_code == 302
    centre = Centre.objects.get(pk=world.centre_a.pk)
    assert centre.target_groups == ["alcohol_use", "homelessness"]
    assert not centre.tilbudsportalen_check_due()
    assert reminder not in client.get(reverse("home")).content.decode()
    assert centre.tilbudsportalen_check_due(timezone.localdate() + datetime.timedelta(days=400))
    html = client.post(url, {**data, "age_from": "80", "age_to": "18"}).content.decode()
    assert "Den øvre alder" in html
    html = client.post(url, {**data, "methods": "cpr 010203-1234"}).content.decode()
    assert "CPR" in html
    html = client.post(url, {**data, "target_groups": ["nonsense"]}).content.decode()
    assert Centre.objects.get(pk=world.centre_a.pk).methods == "Fristed, samvær"


def test_staff_cannot_edit_the_profile(world, client_for):
    url = reverse("centres:profile", args=[world.centre_a.pk])
    assert client_for(world.staff_a).post(url, {"legal_basis": "s82"}).status_code == 403
