from centres import demo as centres_demo
from incidents import demo
from incidents.models import Ban, Incident, Procedure, RiskAssessment


def test_demo_data_is_idempotent(db):
    for _ in range(2):
        organisation, centres, people = centres_demo.seed()
        demo.seed(organisation=organisation, centres=centres, people=people)
    assert Incident.objects.count() == 3
    assert Ban.objects.count() == 1
    assert RiskAssessment.objects.count() == len(centres)
    assert Procedure.objects.get().acknowledgements.count() == 0
