"""API v1 reports: GET /reports/{name} (staff), the rows the report pages show."""
from flask import jsonify, request

from ..reports import services as reports
from . import bp
from . import schemas as s
from .auth import current_api_user


@bp.get("/reports/<name>")
def report(name):
    user = current_api_user()
    reports.require_staff(user)
    reports.check_name(name, s.REPORT_NAMES)
    found = reports.report(user, name, s.ReportArgs.parse(request.args).values())
    f = found.filters
    return jsonify(s.ReportPage.dump({"rows": found.rows, "from": f.start, "to": f.end,
                                      "group_by": f.group_by,
                                      "summary": found.extra.get("summary")}))
