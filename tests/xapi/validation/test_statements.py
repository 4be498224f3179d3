"""Statement validation: each xAPI data rule gives a precise (path, message) problem."""
import pytest

from xapi.validation.formats import check_duration, check_timestamp, iso_duration, parse_timestamp
from xapi.validation.statements import agent_errors, statement_errors

ACTOR = {"mbox": "mailto:a@example.org"}
VERB = {"id": "http://adlnet.gov/expapi/verbs/attended"}
ACTIVITY = {"id": "http://example.org/a"}


def good(**overrides):
    statement = {"actor": ACTOR, "verb": VERB, "object": ACTIVITY}
    statement.update(overrides)
    return statement


def paths(statement, version="1.0.3"):
    return [path for path, _ in statement_errors(statement, version)]


def test_minimal_statement_is_valid():
    assert statement_errors(good()) == []


@pytest.mark.parametrize("statement, path", [
    (good(id="not-a-uuid"), "statement.id"),
    (good(verb={"id": "attended"}), "statement.verb.id"),
    (good(verb={"id": "http://x.org/v", "display": {"en-US": 3}}), "statement.verb.display.en-US"),
    (good(verb={"id": "http://x.org/v", "display": {"not a tag!": "x"}}), "statement.verb.display.not a tag!"),
    (good(actor={"mbox": "a@example.org"}), "statement.actor.mbox"),
    (good(actor={"mbox_sha1sum": "xyz"}), "statement.actor.mbox_sha1sum"),
    (good(actor={"account": {"homePage": "http://x.org"}}), "statement.actor.account.name"),
    (good(actor={"objectType": "Group"}), "statement.actor.member"),
    (good(actor={"objectType": "Group", "member": [{"objectType": "Group", "mbox": "mailto:g@x.org"}]}),
     "statement.actor.member[0].objectType"),
    (good(extra=1), "statement.extra"),
    (good(object={"id": "http://x.org/a", "definition": {"type": "not an iri"}}), "statement.object.definition.type"),
    (good(result={"score": {"scaled": 1.5}}), "statement.result.score.scaled"),
    (good(result={"score": {"raw": 11, "min": 0, "max": 10}}), "statement.result.score.raw"),
    (good(result={"score": {"min": 5, "max": 5}}), "statement.result.score.max"),
    (good(result={"duration": "1 hour"}), "statement.result.duration"),
    (good(result={"success": "yes"}), "statement.result.success"),
    (good(result={"extensions": {"hours": 3}}), "statement.result.extensions['hours']"),
    (good(timestamp="2023-02-30T10:00:00Z"), "statement.timestamp"),
    (good(timestamp="2023-02-06T10:00:00-00:00"), "statement.timestamp"),
    (good(context={"registration": "nope"}), "statement.context.registration"),
    (good(context={"team": {"mbox": "mailto:t@x.org"}}), "statement.context.team"),
    (good(context={"language": "english!"}), "statement.context.language"),
    (good(object={"objectType": "Agent", "mbox": "mailto:b@x.org"}, context={"platform": "LMS"}),
     "statement.context.platform"),
    (good(verb={"id": "http://adlnet.gov/expapi/verbs/voided"}), "statement.object"),
    (good(object={"objectType": "StatementRef", "id": "x"}), "statement.object.id"),
    (good(object={"objectType": "SubStatement", "actor": ACTOR, "verb": VERB,
                  "object": {"objectType": "SubStatement", "actor": ACTOR, "verb": VERB, "object": ACTIVITY}}),
     "statement.object.object.objectType"),
    (good(object={"objectType": "SubStatement", "id": "x", "actor": ACTOR, "verb": VERB, "object": ACTIVITY}),
     "statement.object.id"),
    (good(version="0.95"), "statement.version"),
    (good(attachments=[{"usageType": "http://x.org/u", "display": {"en": "a"}, "contentType": "text/plain",
                        "length": -1, "sha2": "ab"}]), "statement.attachments[0].length"),
])
def test_invalid_statements_name_the_path(statement, path):
    assert path in paths(statement)


def test_agent_must_have_exactly_one_identifier():
    errors = statement_errors(good(actor={"mbox": "mailto:a@x.org", "openid": "http://x.org/me"}))
    assert errors == [("statement.actor", "must have exactly one inverse functional identifier, found mbox, openid")]
    assert agent_errors({"name": "nobody"})


def test_interaction_definitions():
    definition = {"interactionType": "choice", "correctResponsesPattern": ["a"],
                  "choices": [{"id": "a", "description": {"en-US": "A"}}, {"id": "a"}], "scale": []}
    found = paths(good(object={"id": "http://x.org/q", "definition": definition}))
    assert "statement.object.definition.choices[1].id" in found  # ids must be distinct
    assert "statement.object.definition.scale" in found  # not a component of 'choice'
    no_type = paths(good(object={"id": "http://x.org/q", "definition": {"choices": []}}))
    assert no_type == ["statement.object.definition.interactionType"]


def test_version_2_rules():
    no_zone = good(timestamp="2023-02-06T10:00:00")
    assert paths(no_zone, "1.0.3") == []
    assert paths(no_zone, "2.0.0") == ["statement.timestamp"]
    context_agents = good(context={"contextAgents": [{"objectType": "ContextAgent", "agent": ACTOR}]})
    assert paths(context_agents, "2.0.0") == []
    assert paths(context_agents, "1.0.3") == ["statement.context.contextAgents"]


def test_formats():
    assert check_duration("PT1H30M") is None and check_duration("P1W") is None
    assert check_duration("P") and check_duration("PT") and check_duration("1H")
    assert check_timestamp("2023-02-06T09:00:00.123+08:00") is None
    assert parse_timestamp("2023-02-06T09:00:00+08:00").hour == 1
    assert iso_duration(5400) == "PT1H30M"
