"""The knowledge blueprint: the knowledge base pages (views.py) and the search pages
(search_views.py) add their routes to it, so that neither views module imports the other and
their endpoints keep the names templates use (knowledge.index, knowledge.search, ...)."""
from flask import Blueprint

bp = Blueprint("knowledge", __name__)
