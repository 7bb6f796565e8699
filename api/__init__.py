"""The HTTP service: GraphQL at /graphql, a small REST API and health probes (see api.app.create_app)."""
