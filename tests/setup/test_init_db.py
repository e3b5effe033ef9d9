"""`init-db` creates or upgrades the database and loads the definitions; running it twice is safe."""
from __future__ import annotations

import shutil

from sqlalchemy import func, inspect, select

from surveyapp import create_app, migrate
from surveyapp.db import get_engine, get_session
from surveyapp.models import SurveyDefinitionRecord
from surveyapp.settings import PROJECT_ROOT


def test_init_db_twice_on_an_empty_database(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite'}", "TESTING": True})
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert "Đã nạp phiếu sipas-full phiên bản 1." in first.output
    second = runner.invoke(args=["init-db"])
    assert second.exit_code == 0 and "đã có sẵn" in second.output
    with app.app_context():
        tables = set(inspect(get_engine()).get_table_names())
        assert {"unit", "counter", "procedure", "response", "survey_token", "survey_definition"} <= tables
        assert get_session().scalar(select(func.count()).select_from(SurveyDefinitionRecord)) == 2
        get_engine().dispose()


def test_a_definition_changed_without_a_new_version_is_refused(tmp_path):
    definitions = tmp_path / "defs"
    shutil.copytree(PROJECT_ROOT / "survey_definitions", definitions)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "DEFINITIONS_DIR": str(definitions), "TESTING": True})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    full = definitions / "sipas-full.toml"
    full.write_text(full.read_text(encoding="utf-8").replace("Nơi ngồi chờ có đủ chỗ ngồi", "Chỗ ngồi chờ đủ"), encoding="utf-8")
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 1 and "increase `version`" in result.output
    full.write_text(full.read_text(encoding="utf-8").replace("version = 1", "version = 2", 1), encoding="utf-8")
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "sipas-full phiên bản 2" in result.output
    with app.app_context():
        get_engine().dispose()


def test_the_demo_province_has_two_levels_a_dozen_counters_thirty_procedures_and_six_months(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}", "TESTING": True})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    result = runner.invoke(args=["load-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "không nạp" in runner.invoke(args=["load-demo", "--if-empty"]).output
    with app.app_context():
        session = get_session()
        from surveyapp.models import Counter, Procedure, Response, Unit

        units = session.scalars(select(Unit)).all()
        assert len(units) == 7 and max(u.depth for u in units) == 1
        assert session.scalar(select(func.count()).select_from(Counter)) == 12
        assert session.scalar(select(func.count()).select_from(Procedure)) == 30
        months = session.scalars(select(Response.month).distinct()).all()
        assert len(months) == 6
        channels = set(session.scalars(select(Response.channel).distinct()))
        assert {"qr", "kiosk", "paper"} <= channels
        get_engine().dispose()


def test_init_db_says_whether_it_created_upgraded_or_did_nothing(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'said.sqlite'}", "TESTING": True})
    runner = app.test_cli_runner()
    with app.app_context():
        head = migrate.head_revision(get_engine())
    created = runner.invoke(args=["init-db"])
    assert created.exit_code == 0, created.output
    assert f"Đã tạo cơ sở dữ liệu (phiên bản {head})." in created.output
    assert "đã ở phiên bản mới nhất" not in created.output

    with app.app_context():
        migrate.downgrade(get_engine(), "-1")
        older = migrate.current_revision(get_engine())
        get_engine().dispose()
    assert older is not None and older != head
    upgraded = runner.invoke(args=["init-db"], env={"SURVEYAPP_LANG": "en"})
    assert upgraded.exit_code == 0, upgraded.output
    assert f"Upgraded the database from revision {older} to {head}." in upgraded.output

    unchanged = runner.invoke(args=["init-db"])
    assert f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({head}); không có gì phải làm." in unchanged.output
    with app.app_context():
        get_engine().dispose()
