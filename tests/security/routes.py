"""The application's routes, taken from app.url_map, with URLs built for the security tests."""
from werkzeug.routing import IntegerConverter, PathConverter

# Placeholders for a rule's arguments when no real object is given.
DUMMY_INT = 987654
DUMMY_TEXT = "RB-1999-9999"


def rules(app, method: str):
    """The rules answering `method`, static files left out, in a stable order."""
    return sorted((r for r in app.url_map.iter_rules()
                   if method in r.methods and r.endpoint != "static"),
                  key=lambda r: (r.rule, r.endpoint))


def url(rule, values: dict | None = None) -> str:
    """The path of `rule` with its arguments taken from `values` or placeholders."""
    values = dict(values or {})
    args = {}
    for name in rule.arguments:
        if name in values:
            args[name] = values[name]
            continue
        converter = rule._converters[name]
        if isinstance(converter, IntegerConverter):
            args[name] = DUMMY_INT
        elif isinstance(converter, PathConverter):
            args[name] = "css/reachback.css"
        else:
            args[name] = DUMMY_TEXT
    _domain, path = rule.build(args, append_unknown=False)
    return path


def takes_an_id(rule) -> bool:
    return bool(rule.arguments) and rule.endpoint != "static"
