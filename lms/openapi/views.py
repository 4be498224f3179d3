"""Serves the OpenAPI document of the JSON API at /api/v1/openapi.json (public: it holds no data)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from lms.openapi import get_document

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
def get_openapi_document():
    return jsonify(get_document(current_app._get_current_object()))
