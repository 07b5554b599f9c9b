"""A lean async AWS client for the one hot-path call: DynamoDB's JSON API."""
