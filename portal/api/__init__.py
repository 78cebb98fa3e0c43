"""The open API (/api/v1): partner tokens, spend in, figures out; described by its own OpenAPI document."""
