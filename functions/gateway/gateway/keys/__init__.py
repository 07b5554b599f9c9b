"""API keys: their format, their DynamoDB store, and the cached authenticator."""
