"""Read replicas: readers' queries go to a replica, writes and transactions to the primary."""

import pytest
from django.db import transaction

from civicdata import db_router
from essays.models import Essay

router = db_router.ReadReplicaRouter()


@pytest.fixture
def two_replicas(monkeypatch):
    # As settings.py names them from DATABASE_REPLICA_URLS.
    monkeypatch.setattr(db_router, "replicas", lambda: ["replica1", "replica2"])


def test_reads_go_to_the_replicas(two_replicas):
    chosen = {router.db_for_read(Essay) for _ in range(50)}
    assert chosen == {"replica1", "replica2"}


def test_writes_go_to_the_primary(two_replicas):
    assert router.db_for_write(Essay) == "default"


@pytest.mark.django_db
def test_reads_in_a_transaction_stay_on_the_primary(two_replicas):
    with transaction.atomic():
        assert router.db_for_read(Essay) == "default"


def test_without_replicas_everything_is_on_the_primary():
    assert db_router.replicas() == []
    assert router.db_for_read(Essay) == "default"


def test_only_the_primary_is_migrated(two_replicas):
    assert router.allow_migrate("default", "essays")
    assert not router.allow_migrate("replica1", "essays")
