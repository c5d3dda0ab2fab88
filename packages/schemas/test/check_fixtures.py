"""Every fixture against @webhook-contracts/schemas, with Python's jsonschema (Debian's python3-jsonschema).

Usage: check_fixtures.py <schemas dist> <fixtures dir>
Prints one JSON line per fixture and reading: {"file", "reading", "errors": [{"pointer", "keyword"}]}.
The string formats are checked as dist/index.json says them (its pattern, then what a pattern cannot say),
so this is also a test that the words are enough to implement them.
"""

import datetime
import json
import pathlib
import re
import sys

import jsonschema

dist = pathlib.Path(sys.argv[1])
fixtures = pathlib.Path(sys.argv[2])
index = json.loads((dist / "index.json").read_text())


def date_exists(s):
    try:
        datetime.date(int(s[0:4]), int(s[5:7]), int(s[8:10]))
        return True
    except ValueError:
        return False


def leap_second_ok(s):
    """A second of 60 is 23:59:60 in UTC."""
    if s[17:19] != "60":
        return True
    minutes = int(s[11:13]) * 60 + int(s[14:16])
    offset = re.search(r"([+-])(\d\d):(\d\d)$", s)
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        minutes -= sign * (int(offset.group(2)) * 60 + int(offset.group(3)))
    return minutes % 1440 == 23 * 60 + 59


def json_object(s):
    try:
        return isinstance(json.loads(s), dict)
    except ValueError:
        return False


also = {
    "date-time": lambda s: date_exists(s) and leap_second_ok(s),
    "local-date-time": date_exists,
    "json-object": json_object,
}

checker = jsonschema.FormatChecker(formats=())
for name, definition in index["formats"].items():
    pattern = re.compile(definition["pattern"], re.ASCII) if "pattern" in definition else None
    extra = also.get(name)
    if "also" in definition and extra is None:
        raise SystemExit(f"format {name}: index.json says more than a pattern, and this script does not check it")

    def check(value, pattern=pattern, extra=extra):
        if not isinstance(value, str):
            return True
        return (pattern is None or pattern.match(value) is not None) and (extra is None or extra(value))

    checker.checks(name)(check)


def pointer(parts):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def places(error):
    """The JSON Pointers an error is about: a missing or unexpected property is named, as our validators do."""
    at = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        return [pointer(at + [name]) for name in error.validator_value if name not in error.instance]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        return [pointer(at + [name]) for name in error.instance if name not in known]
    return [pointer(at)]


def flatten(errors):
    for error in errors:
        yield error
        yield from flatten(error.context or [])


validators = {}
for provider, entry in index["providers"].items():
    for message, files in entry["messages"].items():
        for reading in ("strict", "tolerant"):
            schema = json.loads((dist / files[reading]).read_text())
            jsonschema.Draft7Validator.check_schema(schema)
            validators[(provider, message, reading)] = jsonschema.Draft7Validator(schema, format_checker=checker)

for file in sorted(fixtures.glob("*/*/*/*.json")):
    provider, message, kind = file.parts[-4:-1]
    if kind not in ("valid", "invalid") or file.name.endswith(".expected.json"):
        continue
    body = json.loads(file.read_text())
    for reading in ("strict", "tolerant"):
        validator = validators[(provider, message, reading)]
        errors = [
            {"pointer": place, "keyword": error.validator}
            for error in flatten(validator.iter_errors(body))
            for place in places(error)
        ]
        print(json.dumps({"file": str(file.relative_to(fixtures)), "reading": reading, "errors": errors}))
