"""Interoperability: the running LRS driven over real HTTP by the `tincan` client library
(save, query, void, state), on a second app whose requests really commit."""
import threading
import uuid

import pytest
import tincan
from werkzeug.serving import make_server

from tests.conftest import committed_app

XAPI_TABLES = ("xapi_statement_links", "xapi_statements", "xapi_activities", "xapi_documents", "xapi_attachments",
               "xapi_outbox", "xapi_clients")


@pytest.fixture
def remote_lrs(app, database_url, tmp_path):
    from lms.extensions import db
    from xapi.store.services import create_client

    with committed_app(database_url, tmp_path) as live:
        client, secret = create_client("tincan interop")
        key = client.key
        db.session.commit()
        server = make_server("127.0.0.1", 0, live, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield tincan.RemoteLRS(endpoint=f"http://127.0.0.1:{server.server_port}/xapi/", version="1.0.3",
                                   username=key, password=secret)
        finally:
            server.shutdown()
            db.session.remove()
            with db.engine.begin() as connection:
                for table in XAPI_TABLES:
                    connection.execute(db.text(f"DELETE FROM {table}"))
            db.engine.dispose()


def test_tincan_remote_lrs_round_trip(remote_lrs):
    actor = tincan.Agent(name="陳警員", account=tincan.AgentAccount(home_page="https://lms.kcg.gov.tw", name="P0001"))
    activity = tincan.Activity(id="https://lms.kcg.gov.tw/xapi/activities/run/112-DRONE-01",
                               definition=tincan.ActivityDefinition(name=tincan.LanguageMap({"zh-TW": "無人機專班"})))
    statement = tincan.Statement(actor=actor, verb=tincan.Verb(id="http://adlnet.gov/expapi/verbs/attended"),
                                 object=activity)

    assert remote_lrs.about().success
    saved = remote_lrs.save_statement(statement)
    assert saved.success, saved.data
    sid = str(saved.content.id)

    fetched = remote_lrs.retrieve_statement(sid)
    assert fetched.success and str(fetched.content.id) == sid
    queried = remote_lrs.query_statements({"agent": actor, "verb": tincan.Verb(id="http://adlnet.gov/expapi/verbs/attended")})
    assert queried.success and [str(s.id) for s in queried.content.statements] == [sid]

    voiding = tincan.Statement(id=str(uuid.uuid4()), actor=actor,
                               verb=tincan.Verb(id="http://adlnet.gov/expapi/verbs/voided"),
                               object=tincan.StatementRef(id=sid))
    assert remote_lrs.save_statement(voiding).success
    assert not remote_lrs.retrieve_statement(sid).success
    assert remote_lrs.retrieve_voided_statement(sid).success

    state = tincan.StateDocument(id="bookmark", activity=activity, agent=actor, content='{"page": 7}',
                                 content_type="application/json")
    assert remote_lrs.save_state(state).success
    got = remote_lrs.retrieve_state(activity, actor, "bookmark")
    assert got.success and bytes(got.content.content) == b'{"page": 7}'
