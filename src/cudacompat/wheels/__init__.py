"""Published wheels: reading them, downloading, evidence, verification, drafting new releases."""
