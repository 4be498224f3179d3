"""Validation of xAPI statements and of the agent / activity values used by the other resources.

Every rule of the xAPI 1.0.3 data model (and the 2.0.0 additions when the request asked for 2.0.0)
is checked and every problem is collected as (JSON path, message): the LRS answers 400 with all of
them at once. Unknown properties are problems too, because the spec says an LRS MUST reject them.
"""
from __future__ import annotations

from xapi.validation.formats import (
    MAILTO_RE, MEDIA_TYPE_RE, SHA1_RE, SHA2_RE, VERSION_1_RE, VERSION_2_RE, check_duration, check_iri,
    check_language_tag, check_timestamp, check_uuid,
)

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
INTERACTION_COMPONENTS = {
    "choice": {"choices"}, "sequencing": {"choices"}, "likert": {"scale"},
    "matching": {"source", "target"}, "performance": {"steps"},
    "true-false": set(), "fill-in": set(), "long-fill-in": set(), "numeric": set(), "other": set(),
}
ALL_COMPONENTS = {"choices", "scale", "source", "target", "steps"}
AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
                  "version", "attachments"}
SUB_STATEMENT_KEYS = {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
CONTEXT_KEYS = {"registration", "instructor", "team", "contextActivities", "revision", "platform", "language",
                "statement", "extensions"}
CONTEXT_KEYS_2 = CONTEXT_KEYS | {"contextAgents", "contextGroups"}
DEFINITION_KEYS = {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                   "correctResponsesPattern"} | ALL_COMPONENTS
# Allowed keys, built once (validation runs for every statement of every batch).
ACCOUNT_KEYS = frozenset({"homePage", "name"})
GROUP_KEYS = AGENT_KEYS | {"member"}
ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
COMPONENT_KEYS = frozenset({"id", "description"})
VERB_KEYS = frozenset({"id", "display"})
STATEMENT_REF_KEYS = frozenset({"objectType", "id"})
RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class StatementValidator:
    """Collects (path, message) problems; `version` is the request's X-Experience-API-Version."""

    def __init__(self, version: str = "1.0.3"):
        self.v2 = version.startswith("2.")
        self.errors: list[tuple[str, str]] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    def _object(self, value, path: str, allowed: set[str], required: tuple[str, ...] = ()) -> bool:
        if not isinstance(value, dict):
            self.error(path, "must be a JSON object")
            return False
        if not allowed.issuperset(value):  # the set difference only when something is wrong
            for key in value.keys() - allowed:
                self.error(f"{path}.{key}", "is not a property the xAPI specification allows here")
        for key in required:
            if key not in value:
                self.error(f"{path}.{key}", "is required")
        return True

    def _string(self, value, path: str) -> bool:
        if not isinstance(value, str):
            self.error(path, "must be a string")
            return False
        return True

    def _check(self, message: str | None, path: str) -> None:
        # For the rarer checks: those every statement runs test first and build the path (an
        # f-string) only for a problem, as validation is a large part of ingestion time.
        if message:
            self.error(path, message)

    def _bool(self, value, path: str) -> None:
        if not isinstance(value, bool):
            self.error(path, "must be true or false")

    def language_map(self, value, path: str) -> None:
        if not isinstance(value, dict):
            self.error(path, "must be a language map (an object of language tag -> string)")
            return
        for tag, text in value.items():
            if problem := check_language_tag(tag):
                self.error(f"{path}.{tag}", problem)
            if not isinstance(text, str):
                self.error(f"{path}.{tag}", "must be a string")

    def extensions(self, value, path: str) -> None:
        if not isinstance(value, dict):
            self.error(path, "must be an object whose keys are IRIs")
            return
        for key in value:
            if problem := check_iri(key):
                self.error(f"{path}[{key!r}]", problem)

    # --- agents and groups -------------------------------------------------------------------

    def agent(self, value, path: str, *, allow_group: bool = True, group_members: bool = True) -> None:
        if not isinstance(value, dict):
            self.error(path, "must be an Agent or Group object")
            return
        kind = value.get("objectType", "Agent")
        if kind == "Group" and allow_group:
            self._group(value, path, group_members)
            return
        if kind != "Agent":
            self.error(f"{path}.objectType", "must be 'Agent'" + (" or 'Group'" if allow_group else ""))
            return
        self._object(value, path, AGENT_KEYS)
        self._identity(value, path, required=True)

    def _identity(self, value: dict, path: str, *, required: bool) -> int:
        found = [k for k in IFI_KEYS if k in value]
        if len(found) > 1:
            self.error(path, f"must have exactly one inverse functional identifier, found {', '.join(found)}")
        elif required and not found:
            self.error(path, "must have exactly one inverse functional identifier "
                             "(mbox, mbox_sha1sum, openid or account)")
        if "name" in value:
            self._string(value["name"], f"{path}.name")
        if "mbox" in value and not (isinstance(value["mbox"], str) and MAILTO_RE.match(value["mbox"])):
            self.error(f"{path}.mbox", "must be a mailto: IRI such as mailto:someone@example.org")
        if "mbox_sha1sum" in value and not (isinstance(value["mbox_sha1sum"], str)
                                            and SHA1_RE.match(value["mbox_sha1sum"])):
            self.error(f"{path}.mbox_sha1sum", "must be the 40 hex digits of a SHA-1 hash")
        if "openid" in value:
            self._check(check_iri(value["openid"]), f"{path}.openid")
        if "account" in value:
            account = value["account"]
            if self._object(account, f"{path}.account", ACCOUNT_KEYS, ("homePage", "name")):
                if "homePage" in account and (problem := check_iri(account["homePage"])):
                    self.error(f"{path}.account.homePage", problem)
                if "name" in account and not isinstance(account["name"], str):
                    self.error(f"{path}.account.name", "must be a string")
        return len(found)

    def _group(self, value: dict, path: str, with_members: bool) -> None:
        self._object(value, path, GROUP_KEYS)
        identified = self._identity(value, path, required=False)
        if "member" in value:
            members = value["member"]
            if not isinstance(members, list):
                self.error(f"{path}.member", "must be an array of Agents")
            else:
                for i, member in enumerate(members):
                    self.agent(member, f"{path}.member[{i}]", allow_group=False)
        elif not identified:
            self.error(f"{path}.member", "is required for an anonymous Group (one without an identifier)")

    # --- activities --------------------------------------------------------------------------

    def activity(self, value, path: str) -> None:
        if not self._object(value, path, ACTIVITY_KEYS, ("id",)):
            return
        if value.get("objectType", "Activity") != "Activity":
            self.error(f"{path}.objectType", "must be 'Activity'")
        if "id" in value and (problem := check_iri(value["id"])):
            self.error(f"{path}.id", problem)
        if "definition" in value:
            self.definition(value["definition"], f"{path}.definition")

    def definition(self, value, path: str) -> None:
        if not self._object(value, path, DEFINITION_KEYS):
            return
        for key in ("name", "description"):
            if key in value:
                self.language_map(value[key], f"{path}.{key}")
        for key in ("type", "moreInfo"):
            if key in value and (problem := check_iri(value[key])):
                self.error(f"{path}.{key}", problem)
        if "extensions" in value:
            self.extensions(value["extensions"], f"{path}.extensions")
        interaction = value.get("interactionType")
        present = ALL_COMPONENTS & value.keys()
        if interaction is None:
            if present or "correctResponsesPattern" in value:
                self.error(f"{path}.interactionType", "is required when interaction properties are given")
            return
        if interaction not in INTERACTION_COMPONENTS:
            self.error(f"{path}.interactionType", "must be one of " + ", ".join(sorted(INTERACTION_COMPONENTS)))
            return
        for key in sorted(present - INTERACTION_COMPONENTS[interaction]):
            self.error(f"{path}.{key}", f"is not allowed for interactionType {interaction!r}")
        if "correctResponsesPattern" in value:
            pattern = value["correctResponsesPattern"]
            if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
                self.error(f"{path}.correctResponsesPattern", "must be an array of strings")
        for key in sorted(present & INTERACTION_COMPONENTS[interaction]):
            self._components(value[key], f"{path}.{key}")

    def _components(self, value, path: str) -> None:
        if not isinstance(value, list):
            self.error(path, "must be an array of interaction components")
            return
        seen = set()
        for i, component in enumerate(value):
            where = f"{path}[{i}]"
            if not self._object(component, where, COMPONENT_KEYS, ("id",)):
                continue
            ident = component.get("id")
            if "id" in component and (not isinstance(ident, str) or not ident.strip()):
                self.error(f"{where}.id", "must be a non-empty string")
            elif ident in seen:
                self.error(f"{where}.id", f"repeats the id {ident!r}; ids must be distinct")
            seen.add(ident)
            if "description" in component:
                self.language_map(component["description"], f"{where}.description")

    # --- statements --------------------------------------------------------------------------

    def statement(self, value, path: str = "statement") -> None:
        if not self._object(value, path, STATEMENT_KEYS, ("actor", "verb", "object")):
            return
        if "id" in value and (problem := check_uuid(value["id"])):
            self.error(f"{path}.id", problem)
        if "version" in value:
            version = value["version"]
            ok = isinstance(version, str) and (VERSION_1_RE.match(version) or (self.v2 and VERSION_2_RE.match(version)))
            if not ok:
                self.error(f"{path}.version", "must be 1.0.x" + (" or 2.0.x" if self.v2 else ""))
        if "stored" in value:
            self._check(check_timestamp(value["stored"]), f"{path}.stored")
        if "authority" in value:
            self._authority(value["authority"], f"{path}.authority")
        self._body(value, path, inside_sub=False)
        if "attachments" in value:
            self._attachments(value["attachments"], f"{path}.attachments")

    def _body(self, value: dict, path: str, *, inside_sub: bool) -> None:
        """What statements and sub-statements share: actor, verb, object, result, context, timestamp."""
        if "actor" in value:
            self.agent(value["actor"], f"{path}.actor")
        verb_id = None
        if "verb" in value and self._object(value["verb"], f"{path}.verb", VERB_KEYS, ("id",)):
            verb_id = value["verb"].get("id")
            if "id" in value["verb"] and (problem := check_iri(verb_id)):
                self.error(f"{path}.verb.id", problem)
            if "display" in value["verb"]:
                self.language_map(value["verb"]["display"], f"{path}.verb.display")
        kind = None
        if "object" in value:
            kind = self._statement_object(value["object"], f"{path}.object", inside_sub)
        if verb_id == VOIDED_VERB and kind != "StatementRef":
            self.error(f"{path}.object", "must be a StatementRef when the verb is 'voided'")
        if "result" in value:
            self._result(value["result"], f"{path}.result")
        if "context" in value:
            self._context(value["context"], f"{path}.context", kind)
        if "timestamp" in value and (problem := check_timestamp(value["timestamp"], require_zone=self.v2)):
            self.error(f"{path}.timestamp", problem)

    def _statement_object(self, value, path: str, inside_sub: bool) -> str | None:
        if not isinstance(value, dict):
            self.error(path, "must be an object")
            return None
        kind = value.get("objectType", "Activity")
        if kind == "Activity":
            self.activity(value, path)
        elif kind in ("Agent", "Group"):
            self.agent(value, path)
        elif kind == "StatementRef":
            if self._object(value, path, STATEMENT_REF_KEYS, ("id",)) and "id" in value:
                self._check(check_uuid(value["id"]), f"{path}.id")
        elif kind == "SubStatement":
            if inside_sub:
                self.error(f"{path}.objectType", "a SubStatement must not contain another SubStatement")
            elif self._object(value, path, SUB_STATEMENT_KEYS, ("actor", "verb", "object")):
                self._body(value, path, inside_sub=True)
                if "attachments" in value:
                    self._attachments(value["attachments"], f"{path}.attachments")
        else:
            self.error(f"{path}.objectType", "must be Activity, Agent, Group, StatementRef or SubStatement")
            return None
        return kind

    def _authority(self, value, path: str) -> None:
        self.agent(value, path)
        if isinstance(value, dict) and value.get("objectType") == "Group":
            members = value.get("member")
            if not isinstance(members, list) or len(members) != 2:
                self.error(f"{path}.member", "an authority Group must have exactly two members (OAuth)")

    def _result(self, value, path: str) -> None:
        if not self._object(value, path, RESULT_KEYS):
            return
        for key in ("success", "completion"):
            if key in value:
                self._bool(value[key], f"{path}.{key}")
        if "response" in value:
            self._string(value["response"], f"{path}.response")
        if "duration" in value and (problem := check_duration(value["duration"])):
            self.error(f"{path}.duration", problem)
        if "extensions" in value:
            self.extensions(value["extensions"], f"{path}.extensions")
        if "score" in value:
            self._score(value["score"], f"{path}.score")

    def _score(self, score, path: str) -> None:
        if not self._object(score, path, SCORE_KEYS):
            return
        numbers = {}
        for key in ("scaled", "raw", "min", "max"):
            if key in score:
                if _is_number(score[key]):
                    numbers[key] = score[key]
                else:
                    self.error(f"{path}.{key}", "must be a number")
        if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
            self.error(f"{path}.scaled", "must be between -1 and 1")
        low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
        if low is not None and high is not None and low >= high:
            self.error(f"{path}.max", "must be greater than min")
        if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
            self.error(f"{path}.raw", "must lie between min and max")

    def _context(self, value, path: str, object_kind: str | None) -> None:
        if not self._object(value, path, CONTEXT_KEYS_2 if self.v2 else CONTEXT_KEYS):
            return
        if "registration" in value and (problem := check_uuid(value["registration"])):
            self.error(f"{path}.registration", problem)
        if "instructor" in value:
            self.agent(value["instructor"], f"{path}.instructor")
        if "team" in value:
            if isinstance(value["team"], dict) and value["team"].get("objectType") != "Group":
                self.error(f"{path}.team", "must be a Group (objectType 'Group')")
            else:
                self.agent(value["team"], f"{path}.team")
        for key in ("revision", "platform"):
            if key in value:
                self._string(value[key], f"{path}.{key}")
                if object_kind not in (None, "Activity"):
                    self.error(f"{path}.{key}", "may only be used when the statement's object is an Activity")
        if "language" in value:
            self._check(check_language_tag(value["language"]), f"{path}.language")
        if "statement" in value:
            ref = value["statement"]
            if self._object(ref, f"{path}.statement", STATEMENT_REF_KEYS, ("objectType", "id")):
                if ref.get("objectType") != "StatementRef":
                    self.error(f"{path}.statement.objectType", "must be 'StatementRef'")
                if "id" in ref:
                    self._check(check_uuid(ref["id"]), f"{path}.statement.id")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{path}.extensions")
        if "contextActivities" in value:
            self._context_activities(value["contextActivities"], f"{path}.contextActivities")
        for key in ("contextAgents", "contextGroups"):
            if key in value:
                self._context_agents(value[key], f"{path}.{key}", key == "contextGroups")

    def _context_activities(self, value, path: str) -> None:
        if not self._object(value, path, CONTEXT_ACTIVITY_KEYS):
            return
        for key, activities in value.items():
            items = activities if isinstance(activities, list) else [activities]
            for i, activity in enumerate(items):
                self.activity(activity, f"{path}.{key}[{i}]" if isinstance(activities, list) else f"{path}.{key}")

    def _context_agents(self, value, path: str, groups: bool) -> None:
        if not isinstance(value, list):
            self.error(path, "must be an array")
            return
        field = "group" if groups else "agent"
        for i, item in enumerate(value):
            where = f"{path}[{i}]"
            if not self._object(item, where, {"objectType", field, "relevantTypes"}, ("objectType", field)):
                continue
            wanted = "ContextGroup" if groups else "ContextAgent"
            if item.get("objectType") != wanted:
                self.error(f"{where}.objectType", f"must be {wanted!r}")
            if field in item:
                self.agent(item[field], f"{where}.{field}", allow_group=groups)
            if "relevantTypes" in item:
                types = item["relevantTypes"]
                if not isinstance(types, list) or not types:
                    self.error(f"{where}.relevantTypes", "must be a non-empty array of IRIs")
                else:
                    for j, iri in enumerate(types):
                        self._check(check_iri(iri), f"{where}.relevantTypes[{j}]")

    def _attachments(self, value, path: str) -> None:
        if not isinstance(value, list):
            self.error(path, "must be an array of attachment objects")
            return
        keys = {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
        for i, item in enumerate(value):
            where = f"{path}[{i}]"
            if not self._object(item, where, keys, ("usageType", "display", "contentType", "length", "sha2")):
                continue
            if "usageType" in item:
                self._check(check_iri(item["usageType"]), f"{where}.usageType")
            for key in ("display", "description"):
                if key in item:
                    self.language_map(item[key], f"{where}.{key}")
            if "contentType" in item and not (isinstance(item["contentType"], str)
                                              and MEDIA_TYPE_RE.match(item["contentType"])):
                self.error(f"{where}.contentType", "must be an Internet media type such as application/pdf")
            if "length" in item and (not isinstance(item["length"], int) or isinstance(item["length"], bool)
                                     or item["length"] < 0):
                self.error(f"{where}.length", "must be a non-negative integer")
            if "sha2" in item and not (isinstance(item["sha2"], str) and SHA2_RE.match(item["sha2"])):
                self.error(f"{where}.sha2", "must be the hex digest of a SHA-2 hash")
            if "fileUrl" in item:
                self._check(check_iri(item["fileUrl"]), f"{where}.fileUrl")


def statement_errors(statement, version: str = "1.0.3", path: str = "statement") -> list[tuple[str, str]]:
    validator = StatementValidator(version)
    validator.statement(statement, path)
    return validator.errors


def agent_errors(agent, path: str = "agent", *, allow_group: bool = True) -> list[tuple[str, str]]:
    validator = StatementValidator()
    validator.agent(agent, path, allow_group=allow_group)
    return validator.errors
