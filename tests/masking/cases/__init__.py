"""Detector case tables: a new case is a row, not a test function.

Each module defines POSITIVE rows `(text, type, kind, value)` -- scanning `text` must report a
span of that type (and secret kind, when given) covering exactly `value` -- and NEGATIVE rows
`(text, why)` -- scanning `text` must report nothing at all.
Provider keys are assembled from parts so no scanner mistakes this file for a leak.
"""
