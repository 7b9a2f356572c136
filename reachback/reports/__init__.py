"""Reports for staff: demand, response times, expert load, use and knowledge gaps, each
computed set-wise in SQL (services.py), shown as pages with inline SVG charts (views.py),
exported as CSV and Excel (exports.py) and served by the API (api/reports.py)."""
