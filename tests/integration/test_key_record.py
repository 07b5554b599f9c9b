"""The "active key" rule's two forms agree: `KeyRecord.is_active` (Python, on a looked-up key)
and `ACTIVE_CONDITION` (DynamoDB, inside the per-request usage update), on the same items,
evaluated by moto's DynamoDB."""

from __future__ import annotations

import time

import pytest

from dev import aws as dev_aws
from dev.aws import BlockingKeyStore
from gateway.keys.format import generate_key
from gateway.keys.record import ACTIVE_CONDITION, PK, key_pk, record_of
from tests.conftest import AwsClients


@pytest.mark.parametrize(
    ("revoked", "expires_in"),
    [
        (False, None),
        (True, None),
        (False, 3600),
        (False, -1),
        (False, 0),  # expires exactly now: no longer active
        (True, 3600),
    ],
)
def test_both_forms_of_the_rule_agree(aws: AwsClients, revoked: bool, expires_in: int | None) -> None:
    now = int(time.time())
    expires_at = None if expires_in is None else now + expires_in
    dev_aws.create_table(aws.dynamodb)
    store = BlockingKeyStore(aws.access, dev_aws.KEYS_TABLE)
    key = generate_key()
    store.put(key, name="k", expires_at=expires_at)
    if revoked:
        store.revoke(key.key_id)
    record = record_of(
        aws.dynamodb.get_item(TableName=dev_aws.KEYS_TABLE, Key={PK: {"S": key_pk(key.key_id)}})["Item"]
    )
    assert record is not None
    try:
        aws.dynamodb.update_item(
            TableName=dev_aws.KEYS_TABLE,
            Key={PK: {"S": key_pk(key.key_id)}},
            UpdateExpression="SET probe = :now",
            ConditionExpression=ACTIVE_CONDITION,
            ExpressionAttributeValues={":false": {"BOOL": False}, ":now": {"N": str(now)}},
        )
        dynamodb_says = True
    except aws.dynamodb.exceptions.ConditionalCheckFailedException:
        dynamodb_says = False
    assert record.is_active(now) is dynamodb_says


def test_a_deleted_key_is_no_record(aws: AwsClients) -> None:
    assert record_of({}) is None and record_of({PK: {"S": "key#000000000000"}}) is None
