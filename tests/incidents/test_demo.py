from centres import demo as centres_demo
from incidents import demo
from incidents.models import (
    Ban,
    DaySheet,
    Incident,
    Procedure,
    QuarterReview,
    ReviewSignature,
    RiskAssessment,
)


def test_demo_data_is_idempotent(db):
    for _ in range(2):
        organisation, centres, people = centres_demo.seed()
        demo.seed(organisation=organisation, centres=centres, people=people)
    assert Incident.objects.count() == 3
    assert Ban.objects.count() == 1
    assert RiskAssessment.objects.count() == len(centres)
    assert Procedure.objects.get().acknowledgements.count() == 0
    assert DaySheet.objects.count() == 8
    last_quarter = QuarterReview.objects.get()
    assert last_quarter.is_locked
    assert ReviewSignature.objects.count() == 2
    assert last_quarter.decisions.count() == 3
    assert people["amr"].requires_two_factor
