"""The knowledge base: problems, YAML with positions, the model, loading, named checks, the cache,
the schema. Importing this package imports neither pydantic nor YAML; its modules do, when used."""
