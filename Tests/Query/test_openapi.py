"""The OpenAPI document is valid OpenAPI 3.1, and every JSON answer the API tests received conforms to the schema
it declares for that path and status: the document and the function cannot drift apart."""
import json
import re

import jsonschema
import pytest
import referencing
from openapi_spec_validator import validate
from rig import OPENAPI

import test_api

# The contract test reads the answers the API tests gathered: they run in one worker, in file order.
pytestmark = pytest.mark.xdist_group("api-contract")

DOCUMENT = json.loads(OPENAPI.read_text())


def test_the_document_is_valid_openapi_3_1():
    validate(DOCUMENT)


def operation_for(path):
    for template in DOCUMENT["paths"]:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if template == "/ingestions/{objectKey}":
            pattern = "^/ingestions/.+$"
        if template.startswith("/meters/"):
            pattern = pattern.replace("^/meters/[^/]+", "^/meters/.+")
        if re.match(pattern, path):
            # Each resource answers one method; a 405 for another is declared on it too.
            [operation] = DOCUMENT["paths"][template].values()
            return template, operation
    return None, None


def in_document(schema):
    """A response's schema with its references (`#/components/...`, at any depth) resolved in the document."""
    if isinstance(schema, dict):
        return {key: ("urn:api" + value if key == "$ref" and value.startswith("#") else in_document(value))
                for key, value in schema.items()}
    if isinstance(schema, list):
        return [in_document(item) for item in schema]
    return schema


def test_every_json_answer_matches_its_declared_schema():
    assert len(test_api.ANSWERS) > 40, "run with test_api.py, whose answers this checks"
    registry = referencing.Registry().with_resource("urn:api", referencing.Resource.from_contents(
        DOCUMENT, default_specification=referencing.jsonschema.DRAFT202012))
    checked = set()
    for path, status, body in test_api.ANSWERS:
        template, operation = operation_for(path)
        if operation is None:
            assert status == 404, (path, status)
            schema = {"$ref": "urn:api#/components/schemas/Error"}
        else:
            declared = operation["responses"].get(str(status))
            assert declared, f"{template} answered {status}, which the document does not declare"
            schema = in_document(declared["content"]["application/json"]["schema"])
        jsonschema.Draft202012Validator(schema, registry=registry,
                                        format_checker=jsonschema.FormatChecker()).validate(body)
        checked.add((template, status))
    assert {template for template, _ in checked} >= set(DOCUMENT["paths"]) - {None}
