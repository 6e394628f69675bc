"""Written risk assessments per centre and procedures every staff member acknowledges."""

import datetime

from django.urls import reverse
from django.utils import timezone

from incidents.models import Acknowledgement, Procedure, RiskAssessment
from incidents.stats import risk_assessments_due, unacknowledged_count
from tests.incidents.factories import ProcedureFactory, RiskAssessmentFactory


def test_staff_write_a_risk_assessment_for_their_centre(world, client_for):
    response = client_for(world.staff_a).post(
        reverse("incidents:risk_create", args=[world.centre_a.pk]),
        {
            "assessed_on": "2026-11-01",
            "risks": "Knive i køkkenet",
            "measures": "Knive og sakse låses inde",
            "review_on": "2027-11-01",
        },
    )
    assert response.status_code == 302
    assert RiskAssessment.objects.get().written_by == world.staff_a


def test_a_review_date_before_the_assessment_is_refused(world, client_for):
    response = client_for(world.staff_a).post(
        reverse("incidents:risk_create", args=[world.centre_a.pk]),
        {
            "assessed_on": "2026-11-01",
            "risks": "Knive",
            "measures": "Låses inde",
            "review_on": "2026-10-01",
        },
    )
    assert "Revisionsdatoen skal ligge efter vurderingen" in response.content.decode()
    assert not RiskAssessment.objects.exists()


def test_centres_without_or_with_a_due_assessment_are_reminded(world):
    today = timezone.localdate()
    RiskAssessmentFactory(
        centre=world.centre_a,
        written_by=world.leader,
        assessed_on=today - datetime.timedelta(days=400),
        review_on=today - datetime.timedelta(days=35),
    )
    RiskAssessmentFactory(
        centre=world.centre_a,
        written_by=world.leader,
        assessed_on=today - datetime.timedelta(days=30),
        review_on=today + datetime.timedelta(days=335),
    )
    due = list(risk_assessments_due(world.leader, today + datetime.timedelta(days=14)))
    # Centre A's newest assessment is not due; centre B has none.
    assert due == [world.centre_b]


def test_the_risk_list_shows_the_newest_assessment(world, client_for):
    RiskAssessmentFactory(centre=world.centre_a, written_by=world.leader, measures="Gammel")
    RiskAssessmentFactory(
        centre=world.centre_a,
        written_by=world.leader,
        assessed_on=timezone.localdate() + datetime.timedelta(days=1),
        review_on=timezone.localdate() + datetime.timedelta(days=300),
        measures="To personaler til stede",
    )
    html = client_for(world.staff_a).get(reverse("incidents:risk_list")).content.decode()
    assert "To personaler til stede" in html
    assert "Gammel" not in html
    assert "Værestedet Frederiksgade" not in html


def test_leader_sees_who_has_not_acknowledged_and_staff_acknowledge(w, client_for):
    assert unacknowledged_count(w.leader) == 1
    html = client_for(w.leader).get(reverse("incidents:procedure_list")).content.decode()
    assert "Endnu ikke kvitteret af: Bob" in html

    response = client_for(w.staff_a).post(
        reverse("incidents:procedure_acknowledge", args=[w.procedure_a.pk])
    )
    assert response.status_code == 302
    assert Acknowledgement.objects.filter(user=w.staff_a, procedure=w.procedure_a).exists()
    assert unacknowledged_count(w.leader) == 0


def test_a_new_version_must_be_acknowledged_again(w, client_for):
    Acknowledgement.objects.create(user=w.staff_a, procedure=w.procedure_a)
    response = client_for(w.leader).post(
        reverse("incidents:procedure_create", args=[w.centre_a.pk]),
        {"text": "Ny procedure: ring 112 ved vold."},
    )
    assert response.status_code == 302
    assert Procedure.objects.filter(centre=w.centre_a).latest("version").version == 2
    assert unacknowledged_count(w.leader) == 1


def test_staff_cannot_acknowledge_another_centres_procedure(w, client_for):
    other = ProcedureFactory(centre=w.centre_b, published_by=w.leader, version=1)
    response = client_for(w.staff_a).post(
        reverse("incidents:procedure_acknowledge", args=[other.pk])
    )
    assert response.status_code == 404


def test_risk_and_procedure_pages_cost_the_same_queries_as_rows_grow(w, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    client = client_for(w.leader)
    urls = [reverse("incidents:risk_list"), reverse("incidents:procedure_list")]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for n in range(4):
        RiskAssessmentFactory(centre=w.centre_a, written_by=w.leader)
        RiskAssessmentFactory(centre=w.centre_b, written_by=w.leader)
        ProcedureFactory(centre=w.centre_b, published_by=w.leader, version=n + 1)
        staff = UserFactory(organisation=w.org_a, centres=[w.centre_a, w.centre_b])
        Acknowledgement.objects.create(user=staff, procedure=w.procedure_a)
    assert counts() == before
