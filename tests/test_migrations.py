"""The schema comes from Alembic migrations, and they build exactly what the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.models import Base


def test_migrated_schema_matches_the_models(bare_db):
    with bare_db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    if bare_db.is_sqlite:
        # SQLite cannot add a foreign key to an existing table; the initial migration says so and skips it.
        differences = [d for d in differences if not (d[0] == "add_fk" and d[1].name ==
                                                      "fk_item_current_version_id_item_version")]
    assert differences == []
