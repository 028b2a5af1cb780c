"""The e-requests' section of the statistics: per type, the days from the protocol date to the answer against the
legal deadline (calendar days, ν. 2690/1999) and the share answered in time. One query, whatever the rows."""

from django.db import connection
from django.utils import timezone

from portal.models import Municipality
from portal.statistics import StatisticsFilters, share
from requests_tracker.models import ERequest, ERequestType, StatusChange

# The answer is the first step into one of these: answered, posted, ready for pick-up, collected, or rejected.
ANSWER_STATUSES = [str(status) for status in ERequest.DONE_STATUSES]


def _sql(filters: StatisticsFilters | None) -> tuple[str, list]:
    where, params = ["e.municipality_id = %s", "e.protocol_date IS NOT NULL"], []
    if filters is not None:
        if filters.department_id:
            where.append("e.department_id = %s")
            params.append(filters.department_id)
        if filters.date_from:
            where.append("e.protocol_date >= %s")
            params.append(filters.date_from)
        if filters.date_to:
            where.append("e.protocol_date <= %s")
            params.append(filters.date_to)
    # Only table names and fixed clauses are formatted in; every value is a parameter.
    sql = f"""
        WITH timed AS (
            SELECT e.type_id, e.protocol_date, t.response_days,
                   (SELECT (min(sc.created_at) AT TIME ZONE %s)::date FROM {StatusChange._meta.db_table} sc
                     WHERE sc.erequest_id = e.id AND sc.to_status = ANY(%s)) AS answered_on
              FROM {ERequest._meta.db_table} e JOIN {ERequestType._meta.db_table} t ON t.id = e.type_id
             WHERE {" AND ".join(where)}
        )
        SELECT t.id, t.name_el, t.name_en, t.response_days,
               count(timed.type_id) AS filed,
               count(timed.answered_on) AS answered,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY timed.answered_on - timed.protocol_date) AS median_days,
               count(*) FILTER (WHERE timed.answered_on <= timed.protocol_date + timed.response_days) AS in_time,
               count(*) FILTER (WHERE timed.answered_on IS NULL
                                  AND timed.protocol_date + timed.response_days < %s) AS open_late
          FROM {ERequestType._meta.db_table} t JOIN timed ON timed.type_id = t.id
         GROUP BY t.id, t.name_el, t.name_en, t.response_days, t.position
         ORDER BY t.position, t.name_el
    """  # noqa: S608
    return sql, params


def erequests_statistics_compute(municipality: Municipality, filters: StatisticsFilters | None = None) -> dict:
    """Per e-request type with protocolled applications: {"types": [{"type_el", "type_en", "legal_days", "filed",
    "answered", "median_days" (protocol date → answer, calendar days, None before any answer), "in_time_share"
    (answered within the legal deadline, of those answered), "open_late" (unanswered past the deadline)}]}."""
    zone = str(municipality.zone)
    sql, params = _sql(filters)
    today = timezone.localdate(timezone.now(), municipality.zone)
    with connection.cursor() as cursor:
        cursor.execute(sql, [zone, ANSWER_STATUSES, municipality.pk, *params, today])
        rows = cursor.fetchall()
    types = [
        {
            "type_el": name_el,
            "type_en": name_en or name_el,
            "legal_days": legal_days,
            "filed": filed,
            "answered": answered,
            "median_days": median_days,
            "in_time_share": share(in_time, answered),
            "open_late": open_late,
        }
        for _id, name_el, name_en, legal_days, filed, answered, median_days, in_time, open_late in rows
    ]
    return {"types": types, "computed_at": timezone.now()}


def erequests_statistics_table(figures: dict) -> list[list]:
    header = [
        "erequest_type",
        "legal_deadline_days",
        "filed",
        "answered",
        "median_days_protocol_to_answer",
        "answered_in_time_share",
        "open_past_deadline",
    ]
    rows = [
        [
            row[key]
            for key in ("type_el", "legal_days", "filed", "answered", "median_days", "in_time_share", "open_late")
        ]
        for row in figures["types"]
    ]
    return [header, *rows]
