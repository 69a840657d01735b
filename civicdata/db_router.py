"""PostgreSQL read replicas (README: Read replicas): reads go to a replica, writes to the primary.

Replicas are the databases named `replica1`, `replica2`... in settings (DATABASE_REPLICA_URLS).
Inside a transaction every read stays on the primary, so a write and the reads that check or
follow it (the admin, imports, re-rendering) see the same rows.
"""

import random

from django.conf import settings
from django.db import connections

PRIMARY = "default"


def replicas():
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReadReplicaRouter:
    def db_for_read(self, model, **hints):
        if connections[PRIMARY].in_atomic_block or not replicas():
            return PRIMARY
        return random.choice(replicas())

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every database holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
