from nexus.api.blueprints import api_blueprint

bp = api_blueprint("privacy", __name__, url_prefix="/api/v1/privacy", description="GDPR")
