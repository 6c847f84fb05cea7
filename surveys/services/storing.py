"""Storing a batch of checked submissions in one statement (issue 27: survey ingest).

Django's bulk_create writes a batch of 200 as one INSERT of about 3,400 parameters, which the
ORM composes and psycopg then splits and quotes on the client: together more time than
PostgreSQL takes to store the rows with their history. Here the rows travel as one JSON
parameter, unpacked by jsonb_to_recordset; the triggers (history, figures) fire as for any
INSERT."""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection

from ..choices import SubmissionStatus
from ..models import Submission

INSERT_SQL = """
    INSERT INTO surveys_submission
           (campaign_id, enumerator_id, client_uuid, payload_sha256, answers, device_time,
            received_at, geom, gps_accuracy_m, footprint, ward_id, building_id, match_kind,
            match_distance_m, flags, status, review_reason)
    SELECT r.campaign, r.enumerator, r.client_uuid, r.payload_sha256, r.answers,
           r.device_time, %(now)s, ST_SetSRID(ST_MakePoint(r.x, r.y), 4326), r.gps_accuracy_m,
           ST_GeomFromEWKB(decode(r.footprint, 'hex')), r.ward, r.building, r.match_kind,
           r.match_distance_m, r.flags, %(pending)s, ''
      FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
           campaign bigint, enumerator integer, client_uuid uuid, payload_sha256 text,
           answers jsonb, device_time timestamptz, x float8, y float8, gps_accuracy_m float8,
           footprint text, ward bigint, building bigint, match_kind text,
           match_distance_m float8, flags text[])
    RETURNING id, client_uuid"""


def submissions_insert(rows: list[Submission], now: dt.datetime) -> list[Submission]:
    """Store `rows` (unsaved, each with its campaign, enumerator, point and match), received
    `now`; they come back saved, with their ids, in the same order."""
    if not rows:
        return []
    records = [
        {
            "campaign": s.campaign_id,
            "enumerator": s.enumerator_id,
            "client_uuid": str(s.client_uuid),
            "payload_sha256": s.payload_sha256,
            "answers": s.answers,
            "device_time": s.device_time.isoformat(),
            # JSON numbers carry a float's shortest exact form: the point as sent.
            "x": s.geom.x,
            "y": s.geom.y,
            "gps_accuracy_m": s.gps_accuracy_m,
            "footprint": s.footprint.hexewkb.decode() if s.footprint is not None else None,
            "ward": s.ward_id,
            "building": s.building_id,
            "match_kind": s.match_kind,
            "match_distance_m": s.match_distance_m,
            "flags": list(s.flags),
        }
        for s in rows
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_SQL,
            {"rows": json.dumps(records), "now": now, "pending": SubmissionStatus.PENDING},
        )
        ids = {str(uuid): pk for pk, uuid in cursor.fetchall()}
    for s in rows:
        s.pk = ids[str(s.client_uuid)]
        s.received_at = now
        s.status = SubmissionStatus.PENDING
        s._state.adding = False
        s._state.db = connection.alias
    return rows
