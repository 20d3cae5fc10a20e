#!/usr/bin/env python3
"""W1 (bench/w1.rules) in DuckDB's SQL, for bench/run.py's DuckDB row.

    python3 bench/duckdb_w1.py DATA.json|DATA.ndjson|DATA.csv

Reads the generator's data with DuckDB's own readers (read_json over the JSON
array or NDJSON, declaring the seven fields W1 reads; read_csv with its
sniffer over the CSV, the niches cell split on ";"), at DuckDB's default
thread count (every core), and prints what bench/floor's reference prints:
{"evaluated", "accepted", "shortlist": [{"id", "score"}], "threads"}.

Missing data as the language has it: a NULL fails a requirement and makes a
signal count 0; x / 0 is missing. Ties in score keep input order: the
generator ends record i's handle with `_i`, which gives the order without
relying on the order rows leave a parallel scan.
"""

import json
import sys

import duckdb

FIELDS = ("{handle: 'VARCHAR', followers: 'DOUBLE', engagement_rate: 'DOUBLE', niches: 'VARCHAR[]',"
          " country: 'VARCHAR', link_clicks_30d: 'DOUBLE', conversions_30d: 'DOUBLE'}")

SOURCES = {
    "json": f"read_json($path, format = 'array', columns = {FIELDS})",
    "ndjson": f"read_json($path, format = 'newline_delimited', columns = {FIELDS})",
    "csv": "(SELECT * REPLACE (string_split(niches, ';') AS niches) FROM read_csv($path, header = true))",
}

QUERY = """
WITH c AS (
  SELECT handle AS id,
         CAST(regexp_extract(handle, '_([0-9]+)$', 1) AS BIGINT) AS pos,
         CAST(followers AS DOUBLE) AS followers,
         CAST(engagement_rate AS DOUBLE) AS rate,
         niches, country,
         CAST(link_clicks_30d AS DOUBLE) AS clicks,
         CAST(conversions_30d AS DOUBLE) AS conv
  FROM {source}
), s AS (
  SELECT id, pos,
         coalesce(followers BETWEEN 1000 AND 10000
                  AND rate >= 0.03
                  AND (list_contains(niches, 'skincare') OR list_contains(niches, 'beauty'))
                  AND country IN ('US', 'CA', 'GB'), false) AS ok,
         (5 * coalesce(least(greatest(rate / 0.1, 0), 1), 0)
          + 3 * CASE WHEN conv IS NULL OR clicks IS NULL OR clicks = 0 THEN 0
                     ELSE least(greatest(conv / clicks / 0.08, 0), 1) END
          + 2 * coalesce(least((list_contains(niches, 'skincare')::INT
                                + list_contains(niches, 'beauty')::INT) / 2, 1), 0)
         ) / 10 AS score
  FROM c
)
SELECT count(*) AS evaluated,
       count(*) FILTER (WHERE ok) AS accepted,
       (list({{'id': id, 'score': score}} ORDER BY score DESC, pos ASC) FILTER (WHERE ok))[1:50]
         AS shortlist
FROM s
"""


def kind(path):
    if path.endswith(".csv"):
        return "csv"
    if path.endswith((".ndjson", ".jsonl")):
        return "ndjson"
    return "json"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: duckdb_w1.py DATA.json|DATA.ndjson|DATA.csv")
    path = sys.argv[1]
    con = duckdb.connect()
    evaluated, accepted, shortlist = con.execute(
        QUERY.format(source=SOURCES[kind(path)]), {"path": path}).fetchone()
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(json.dumps({
        "evaluated": evaluated,
        "accepted": accepted,
        "shortlist": [{"id": x["id"], "score": x["score"]} for x in shortlist or []],
        "threads": threads,
    }))


if __name__ == "__main__":
    main()
