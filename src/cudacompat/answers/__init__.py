"""Pure answers over the knowledge base: data and reason codes, never sentences."""
