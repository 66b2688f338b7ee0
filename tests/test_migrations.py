"""The schema comes from Alembic migrations, and they build exactly what the models describe."""
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.migrate import alembic_config
from engine.models import Base


def downgrade_to(db, revision: str) -> None:
    """Migrate the test's database down to `revision` (the tests then upgrade it again)."""
    cfg = alembic_config()
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def test_migrated_schema_matches_the_models(bare_db):
    with bare_db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    if bare_db.is_sqlite:
        # SQLite cannot add a foreign key to an existing table; the initial migration says so and skips it.
        differences = [d for d in differences if not (d[0] == "add_fk" and d[1].name ==
                                                      "fk_item_current_version_id_item_version")]
    assert differences == []


def test_0018_keeps_existing_cases_and_refuses_a_second_case_with_one_key(db, users):
    """Downgraded to 0017 with a case in it and upgraded again: the case is whole, its key empty, and the new
    unique index takes cases without a key side by side but only one case per owner and key."""
    from sqlalchemy import func, select, update
    from sqlalchemy.exc import IntegrityError

    from engine import cases, idempotency
    from engine.migrate import upgrade
    from engine.models import Case
    from tests.helpers import application, item_code

    code = item_code(db, "construction_permit")
    before = cases.submit(db, code, application(db, code), users["haiyun"])
    downgrade_to(db, "0017_sessions")
    upgrade(db.engine)
    with db.read() as session:
        case = session.get(Case, before.case_id)
    assert (case.case_no, case.idempotency_owner, case.idempotency_key, case.idempotency_hash) == (
        before.case_no, None, None, None)
    cases.submit(db, code, application(db, code), users["haiyun"])  # another case without a key
    key = idempotency.Request("user:1", "k-0018", "POST", "/api/v1/cases", "a" * 64)
    cases.submit(db, code, application(db, code), users["haiyun"], idempotency_key=key)
    with pytest.raises(idempotency.Replay):
        cases.submit(db, code, application(db, code), users["haiyun"], idempotency_key=key)
    with pytest.raises(IntegrityError), db.engine.begin() as connection:  # the index itself, under any code
        connection.execute(update(Case).where(Case.id == before.case_id).values(
            idempotency_owner="user:1", idempotency_key="k-0018"))
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 3
