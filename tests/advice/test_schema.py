"""The tally tables hold no person and no free text: anonymity by construction."""

import pytest
from django.contrib.auth import get_user_model
from django.db import models

from advice.models import Contact, ContactTopic, MeetingTally

TALLY_MODELS = [Contact, ContactTopic, MeetingTally]


@pytest.mark.parametrize("model", TALLY_MODELS, ids=lambda m: m.__name__)
def test_no_reference_to_a_person(model):
    user_model = get_user_model()
    related = [
        f.name for f in model._meta.get_fields() if f.is_relation and f.related_model is user_model
    ]
    assert related == []


@pytest.mark.parametrize("model", TALLY_MODELS, ids=lambda m: m.__name__)
def test_no_free_text_column(model):
    free_text = [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.TextField)
        or (isinstance(f, models.CharField) and not f.choices)
        or isinstance(f, (models.JSONField, models.BinaryField))
    ]
    assert free_text == []


def test_no_time_finer_than_the_day():
    finer = [
        f.name
        for f in Contact._meta.concrete_fields
        if isinstance(f, (models.DateTimeField, models.TimeField))
    ]
    assert finer == []


def test_contacts_keep_no_history_table():
    # A history table would record the user who saved each contact.
    assert not hasattr(Contact, "history")
