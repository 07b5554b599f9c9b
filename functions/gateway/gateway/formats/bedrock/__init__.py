"""Amazon Bedrock's Converse and ConverseStream APIs, as a provider the gateway calls."""
