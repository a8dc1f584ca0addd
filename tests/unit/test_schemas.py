"""Tests for the message schemas and their validation (vsb/schemas/ and vsb.schemas)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

import vsb._schema_fast as schema_fast
import vsb.schemas as vsb_schemas
from vsb.schemas import (
    INBOUND_KINDS,
    SCHEMA_BASE_URI,
    MessageSchemas,
    SchemaViolation,
    load_schemas,
    validate_message,
)

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "vsb" / "schemas"
FIXTURES = ROOT / "fixtures" / "messages"
SCHEMA_FILES = sorted(SCHEMA_DIR.glob("*.schema.json"))
MESSAGE_SCHEMAS = sorted(
    path.name.removesuffix(".schema.json")
    for path in SCHEMA_FILES
    if path.name != "common.schema.json"
)
VALID = sorted(FIXTURES.glob("*/valid/*.json"))
INVALID = sorted(FIXTURES.glob("*/invalid/*.json"))
BILLING_SCHEMAS = ("shipment", "settlement", "payment-order")


def _fixture_id(path: Path) -> str:
    return f"{path.parts[-3]}/{path.stem}"


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schemas() -> MessageSchemas:
    return load_schemas()


@pytest.fixture(scope="module")
def valid_request() -> dict[str, Any]:
    return _load(FIXTURES / "request" / "valid" / "new-request.json")  # type: ignore[no-any-return]


# --- the schema files -------------------------------------------------------------------------


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_file_is_a_valid_2020_12_schema(path: Path) -> None:
    document = _load(path)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(document)


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_id_is_base_uri_plus_file_name_with_title_and_description(path: Path) -> None:
    document = _load(path)
    assert document["$id"] == SCHEMA_BASE_URI + path.name
    assert document["title"]
    assert document["description"]


def test_schema_ids_are_unique() -> None:
    ids = [_load(path)["$id"] for path in SCHEMA_FILES]
    assert len(ids) == len(set(ids))


def _subschemas(node: object, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield every schema object nested in `node` with its location."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for name, sub in value.items():
                    yield from _subschemas(sub, f"{where}/{key}/{name}")
            elif key in ("items", "if", "then", "else"):
                yield from _subschemas(value, f"{where}/{key}")
            elif key in ("allOf", "anyOf", "oneOf"):
                for index, sub in enumerate(value):
                    yield from _subschemas(sub, f"{where}/{key}/{index}")


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_object_schema_forbids_additional_properties(path: Path) -> None:
    for where, node in _subschemas(_load(path)):
        if node.get("type") == "object":
            assert node.get("additionalProperties") is False, where


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_property_has_a_description(path: Path) -> None:
    for where, node in _subschemas(_load(path)):
        if "/if" in where:  # an `if` only tests a value; it declares no property
            continue
        for name, sub in node.get("properties", {}).items():
            assert sub.get("description"), f"{where}/properties/{name}"


def test_common_schema_defines_the_pieces_the_contract_names() -> None:
    defs = _load(SCHEMA_DIR / "common.schema.json")["$defs"]
    expected = {"insz", "hco", "riziv", "date", "timestamp", "messageId", "vsbReference"}
    expected |= {"zorgkas", "code", "contactPerson", "error"}
    expected |= {"amount", "signedAmount", "billingError"}
    assert expected <= set(defs)


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_schema_compiles_to_the_fast_check(registry: Registry[Any], path: Path) -> None:
    document = _load(path)
    schema_fast.compile_check(document, registry.resolver(document["$id"]))


def test_names_list_every_message_schema_but_not_common(schemas: MessageSchemas) -> None:
    assert list(schemas.names) == MESSAGE_SCHEMAS
    assert len(schemas.names) == 12


# --- fixtures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MESSAGE_SCHEMAS)
def test_every_schema_has_two_valid_and_three_invalid_examples(name: str) -> None:
    valid, invalid = (2, 3) if name not in BILLING_SCHEMAS else (3, 6)
    assert len(list((FIXTURES / name / "valid").glob("*.json"))) >= valid
    assert len(list((FIXTURES / name / "invalid").glob("*.json"))) >= invalid


@pytest.mark.parametrize("path", VALID, ids=_fixture_id)
def test_valid_example_has_no_violations(schemas: MessageSchemas, path: Path) -> None:
    assert schemas.validate(path.parts[-3], _load(path)) == ()


@pytest.mark.parametrize("path", INVALID, ids=_fixture_id)
def test_invalid_example_reports_the_expected_violation_and_only_at_that_field(
    schemas: MessageSchemas, path: Path
) -> None:
    case = _load(path)
    expected = (case["expect"]["pointer"], case["expect"]["keyword"])
    violations = schemas.validate(path.parts[-3], case["message"])
    assert expected in [(v.pointer, v.keyword) for v in violations]
    assert {v.pointer for v in violations} == {expected[0]}, violations


@pytest.mark.parametrize("path", INVALID, ids=_fixture_id)
def test_violation_message_names_the_field(schemas: MessageSchemas, path: Path) -> None:
    case = _load(path)
    for violation in schemas.validate(path.parts[-3], case["message"]):
        assert violation.message.startswith(violation.pointer or "(message)")
        assert violation.keyword in violation.message


# --- validation details -----------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2024-02-30", "2023-02-29", "2024-04-31", "2024-00-10"])
def test_dates_outside_the_calendar_are_refused(
    schemas: MessageSchemas, valid_request: dict[str, Any], day: str
) -> None:
    message = copy.deepcopy(valid_request)
    message["begeleiding"]["startDate"] = day
    assert schemas.validate("request", message) == (
        SchemaViolation(
            "/begeleiding/startDate",
            "format",
            f"/begeleiding/startDate: '{day}' is not a valid date (format: date)",
        ),
    )


def test_leap_day_is_a_valid_date(schemas: MessageSchemas, valid_request: dict[str, Any]) -> None:
    message = copy.deepcopy(valid_request)
    message["begeleiding"]["startDate"] = "2024-02-29"
    assert schemas.validate("request", message) == ()


def test_missing_property_is_named_and_reported_at_its_parent(
    schemas: MessageSchemas, valid_request: dict[str, Any]
) -> None:
    message = copy.deepcopy(valid_request)
    del message["begeleiding"]["medical"]["diagnosis"]
    (violation,) = schemas.validate("request", message)
    assert violation.pointer == "/begeleiding/medical"
    assert violation.keyword == "required"
    assert "'diagnosis'" in violation.message


def test_each_missing_property_is_a_separate_violation(
    schemas: MessageSchemas, valid_request: dict[str, Any]
) -> None:
    message = {"kind": "request"}
    violations = schemas.validate("request", message)
    missing = sorted(v.message.split("'")[1] for v in violations)
    assert missing == ["begeleiding", "insz", "mbe", "messageId"]
    assert {(v.pointer, v.keyword) for v in violations} == {("", "required")}


def test_unexpected_property_is_named_and_reported_at_itself(
    schemas: MessageSchemas, valid_request: dict[str, Any]
) -> None:
    message = copy.deepcopy(valid_request)
    message["begeleiding"]["startdate"] = "2024-03-04"
    (violation,) = schemas.validate("request", message)
    assert violation.pointer == "/begeleiding/startdate"
    assert violation.keyword == "additionalProperties"
    assert "unexpected property 'startdate'" in violation.message
    assert "startDate" in violation.message  # the allowed names reveal the typo


def test_alternatives_report_the_relevant_branch_not_an_opaque_any_of(
    schemas: MessageSchemas,
) -> None:
    message = _load(FIXTURES / "stop" / "valid" / "death-at-home.json")
    message["stop"]["nonBillingReason"] = "Not Billed"
    (violation,) = schemas.validate("stop", message)
    assert (violation.pointer, violation.keyword) == ("/stop/nonBillingReason", "pattern")
    assert "any of the given schemas" not in violation.message


def test_admin_change_without_changes_names_both_alternatives(schemas: MessageSchemas) -> None:
    message = {"kind": "admin-change", "messageId": "ac-9", "mbe": "71000125050"}
    message["vsbReference"] = "VSB-2024-0000001"
    (violation,) = schemas.validate("admin-change", message)
    assert (violation.pointer, violation.keyword) == ("", "required")
    assert "'contactPerson'" in violation.message
    assert "'accidentCode'" in violation.message


def test_violations_are_sorted_by_pointer_then_keyword_and_deterministic(
    schemas: MessageSchemas, valid_request: dict[str, Any]
) -> None:
    message = copy.deepcopy(valid_request)
    message["insz"] = "123"
    message["mbe"] = 71000125050
    message["extra"] = True
    message["begeleiding"]["startDate"] = "04-03-2024"
    del message["begeleiding"]["accidentCode"]
    first = schemas.validate("request", message)
    assert first == schemas.validate("request", copy.deepcopy(message))
    assert list(first) == sorted(first, key=lambda v: (v.pointer, v.keyword, v.message))
    assert [v.pointer for v in first] == [
        "/begeleiding",
        "/begeleiding/startDate",
        "/begeleiding/startDate",
        "/extra",
        "/insz",
        "/mbe",
    ]


def test_pattern_end_anchor_refuses_a_trailing_newline(
    schemas: MessageSchemas, valid_request: dict[str, Any]
) -> None:
    message = copy.deepcopy(valid_request)
    message["insz"] = "85073003328\n"
    assert [(v.pointer, v.keyword) for v in schemas.validate("request", message)] == [
        ("/insz", "pattern")
    ]


@pytest.mark.parametrize(
    "stamp", ["2024-03-05T09:00:00", "2024-03-05 09:00:00+01:00", "2024-03-05T24:00:00Z"]
)
def test_timestamps_need_t_offset_and_a_real_time(schemas: MessageSchemas, stamp: str) -> None:
    message = _load(FIXTURES / "answer" / "valid" / "accepted-request.json")
    message["answeredAt"] = stamp
    assert {v.pointer for v in schemas.validate("answer", message)} == {"/answeredAt"}


def test_schema_returns_a_copy_that_callers_cannot_corrupt(schemas: MessageSchemas) -> None:
    schemas.schema("request")["properties"] = {}
    assert "begeleiding" in schemas.schema("request")["properties"]  # type: ignore[operator]
    assert schemas.schema("common")["$id"] == SCHEMA_BASE_URI + "common.schema.json"


def test_unknown_schema_name_raises_key_error(schemas: MessageSchemas) -> None:
    with pytest.raises(KeyError):
        schemas.validate("common", {})
    with pytest.raises(KeyError):
        schemas.schema("nonsense")


def test_load_schemas_is_cached() -> None:
    assert load_schemas() is load_schemas()


# --- billing ----------------------------------------------------------------------------------


def _shipment(invoices: int) -> dict[str, Any]:
    """A valid shipment of `invoices` original invoices of one line each."""
    line = {"lineNumber": 1, "code": "773172", "prestationDate": "2024-03-04"}
    line |= {"amount": "2300.00", "personalShare": "0.00"}
    return {
        "kind": "shipment", "messageId": "s-1", "mbe": "76310195930", "zorgkas": 180,
        "shipmentNumber": "001/202403", "sendDate": "2024-03-10",
        "totals": {"invoices": invoices, "lines": invoices, "amount": f"{2300 * invoices}.00"},
        "invoices": [
            {"invoiceNumber": f"F24-{number:06d}", "type": "original", "insz": "48031402205",
             "vsbReference": "VSB-2024-0000001", "lines": [dict(line)]}
            for number in range(1, invoices + 1)
        ],
    }  # fmt: skip


@pytest.fixture(scope="module")
def big_shipment() -> dict[str, Any]:
    return _shipment(2_000)


def test_a_shipment_of_2000_invoices_is_valid(
    schemas: MessageSchemas, big_shipment: dict[str, Any]
) -> None:
    assert schemas.is_valid("shipment", big_shipment)
    assert schemas.validate("shipment", big_shipment) == ()
    assert validate_message(big_shipment) == ("shipment", ())


def test_an_error_deep_in_a_big_shipment_is_reported_at_its_exact_pointer(
    schemas: MessageSchemas, big_shipment: dict[str, Any]
) -> None:
    message = copy.deepcopy(big_shipment)
    message["invoices"][1500]["lines"][0]["amount"] = "2300.5"
    assert schemas.validate("shipment", message) == (
        SchemaViolation(
            "/invoices/1500/lines/0/amount",
            "pattern",
            "/invoices/1500/lines/0/amount: '2300.5' does not match the pattern "
            "^[0-9]{1,7}\\.[0-9]{2}$ (pattern)",
        ),
    )


def test_skipping_valid_items_explains_a_shipment_exactly_as_plain_jsonschema(
    schemas: MessageSchemas, registry: Registry[Any]
) -> None:
    message = _shipment(60)
    message["invoices"][3]["type"] = "credit-note"
    message["invoices"][17]["lines"][0]["creditedLine"] = 1
    message["invoices"][30]["lines"].append({"lineNumber": 0})
    message["invoices"][59]["insz"] = "4803140220"
    message["invoices"].append("F24-000061")
    plain = schema_fast.Validator(
        schemas.schema("shipment"), registry=registry, format_checker=schema_fast.format_checker()
    )
    expected = vsb_schemas._violations(plain.iter_errors(message))
    assert sorted({v.pointer for v in expected}) == [
        "/invoices/17/lines/0/creditedLine",
        "/invoices/3",
        "/invoices/3/lines/0",
        "/invoices/30/lines/1",
        "/invoices/30/lines/1/lineNumber",
        "/invoices/59/insz",
        "/invoices/60",
    ]
    assert schemas.validate("shipment", message) == expected


@pytest.mark.parametrize(
    ("where", "name"),
    [(["invoices", 0], "creditedInvoice"), (["invoices", 0, "lines", 0], "creditedLine")],
)
def test_credit_fields_on_an_original_are_refused_at_the_field_saying_why(
    schemas: MessageSchemas, where: list[Any], name: str
) -> None:
    message = _shipment(1)
    _at(message, where)[name] = 1 if name == "creditedLine" else "F23-000001"
    (violation,) = schemas.validate("shipment", message)
    pointer = "/" + "/".join(str(step) for step in [*where, name])
    assert (violation.pointer, violation.keyword) == (pointer, "not")
    assert "is not allowed here: Only a credit note" in violation.message


def test_a_credit_note_needs_the_credited_invoice_and_lines(schemas: MessageSchemas) -> None:
    message = _shipment(1)
    message["invoices"][0]["type"] = "credit-note"
    assert [
        (v.pointer, v.message.split("'")[1]) for v in schemas.validate("shipment", message)
    ] == [
        ("/invoices/0", "creditedInvoice"),
        ("/invoices/0/lines/0", "creditedLine"),
    ]


def test_shipment_is_an_inbound_kind_and_settlement_and_payment_order_are_not() -> None:
    assert "shipment" in INBOUND_KINDS
    assert not {"settlement", "payment-order"} & set(INBOUND_KINDS)
    name, (violation,) = validate_message({"kind": "settlement"})
    assert (name, violation.pointer, violation.keyword) == (None, "/kind", "enum")
    assert "shipment" in violation.message


# --- kinds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MESSAGE_SCHEMAS)
def test_each_message_kind_maps_to_its_schema(schemas: MessageSchemas, name: str) -> None:
    assert schemas.schema_for_kind(name) == name


def test_unknown_kind_has_no_schema(schemas: MessageSchemas) -> None:
    with pytest.raises(KeyError):
        schemas.schema_for_kind("invoice")


@pytest.mark.parametrize("path", VALID, ids=_fixture_id)
def test_validate_message_picks_the_schema_by_kind_for_inbound_messages(path: Path) -> None:
    message = _load(path)
    name, violations = validate_message(message)
    if message["kind"] in INBOUND_KINDS:
        assert (name, violations) == (path.parts[-3], ())
    else:
        assert name is None
        assert [(v.pointer, v.keyword) for v in violations] == [("/kind", "enum")]


@pytest.mark.parametrize("kind", ["invoice", "answer", "Request", 7, None])
def test_validate_message_names_the_allowed_kinds_when_kind_is_unknown(kind: object) -> None:
    name, violations = validate_message({"kind": kind, "messageId": "m-1"})
    assert name is None
    (violation,) = violations
    assert (violation.pointer, violation.keyword) == ("/kind", "enum")
    assert all(allowed in violation.message for allowed in INBOUND_KINDS)


def test_validate_message_reports_missing_kind_at_the_root() -> None:
    name, (violation,) = validate_message({"messageId": "m-1"})
    assert name is None
    assert (violation.pointer, violation.keyword) == ("", "required")
    assert "'kind'" in violation.message


@pytest.mark.parametrize("instance", [[], "request", 3, None])
def test_validate_message_reports_a_non_object_at_the_root(instance: object) -> None:
    name, (violation,) = validate_message(instance)
    assert name is None
    assert (violation.pointer, violation.keyword) == ("", "type")
    assert "object" in violation.message


def test_validate_message_returns_schema_violations_for_a_known_kind(
    valid_request: dict[str, Any],
) -> None:
    message = copy.deepcopy(valid_request)
    message["begeleiding"]["requestType"] = "old"
    name, violations = validate_message(message)
    assert name == "request"
    assert [(v.pointer, v.keyword) for v in violations] == [("/begeleiding/requestType", "enum")]


# --- the fast path agrees with jsonschema -----------------------------------------------------

_ODD_VALUES: tuple[object, ...] = (
    None, True, 0, 180.0, 1.5, -1, 10001, "", "x", "VSB-2024-0000001", "2024-02-30",
    "2024-02-29", "85073003328", "none", [], {}, [{}], {"name": "x"},
)  # fmt: skip


def _mutations(message: object) -> Iterator[tuple[object, Any]]:
    """Yield (variant, path) pairs: each value replaced by odd ones, each key removed or added."""
    yield from _mutate(message, [])


def _mutate(root: object, path: list[Any]) -> Iterator[tuple[object, Any]]:
    node = _at(root, path)
    keys: list[Any] = list(node) if isinstance(node, dict) else list(range(len(node)))
    for key in keys:
        for value in _ODD_VALUES:
            variant = copy.deepcopy(root)
            _at(variant, path)[key] = value
            yield variant, [*path, key]
        if isinstance(node, dict):
            variant = copy.deepcopy(root)
            del _at(variant, path)[key]
            yield variant, [*path, key]
        if isinstance(node[key], dict | list):
            yield from _mutate(root, [*path, key])
    if isinstance(node, dict):
        variant = copy.deepcopy(root)
        _at(variant, path)["unexpected"] = 1
        yield variant, path


def _at(root: Any, path: list[Any]) -> Any:
    for step in path:
        root = root[step]
    return root


@pytest.fixture(scope="module")
def registry() -> Registry[Any]:
    documents = [_load(path) for path in SCHEMA_FILES]
    return Registry().with_resources((doc["$id"], Resource.from_contents(doc)) for doc in documents)


@pytest.mark.parametrize("path", VALID, ids=_fixture_id)
def test_compiled_check_and_inlined_schema_agree_with_plain_jsonschema_on_mutations(
    schemas: MessageSchemas, registry: Registry[Any], path: Path
) -> None:
    name = path.parts[-3]
    plain = schema_fast.Validator(
        schemas.schema(name), registry=registry, format_checker=schema_fast.format_checker()
    )
    for variant, where in _mutations(_load(path)):
        expected = plain.is_valid(variant)
        assert schemas.is_valid(name, variant) == expected, (where, variant)
        assert (schemas.validate(name, variant) == ()) == expected, (where, variant)


def test_a_big_shipment_checked_alone_by_jsonschema_rs_gets_the_same_verdicts(
    schemas: MessageSchemas, big_shipment: dict[str, Any]
) -> None:
    message = copy.deepcopy(big_shipment)
    message["invoices"][1500]["lines"][0]["amount"] = "2300.5"
    assert schemas.validate("shipment", big_shipment, alone=True) == ()
    assert schemas.validate("shipment", message, alone=True) == schemas.validate(
        "shipment", message
    )
    assert len(schemas.validate("shipment", message, alone=True)) == 1
