# W1 (bench/w1.rules) in jq, for bench/run.py: the same four requirements,
# three signals and score, top 50 by score with ties in input order.
# Prints {"evaluated", "accepted", "shortlist": [{"id", "score"}]}.
#
#   jq -c  -f bench/w1.jq --argjson array true  creators.json     # a JSON array (loaded whole)
#   jq -cn -f bench/w1.jq --argjson array false creators.ndjson   # NDJSON, streamed
#
# Missing data as the language has it: an absent or null field fails a
# requirement and makes a signal count 0; x / 0 is missing.

def clamp01: if . < 0 then 0 elif . > 1 then 1 else . end;
def num: if type == "number" then . else null end;
def accepted:
  (.followers | num) as $f
  | (.engagement_rate | num) as $r
  | ($f != null and $f >= 1000 and $f <= 10000)
    and ($r != null and $r >= 0.03)
    and (.niches | type == "array" and (index(["skincare"]) != null or index(["beauty"]) != null))
    and (.country | . == "US" or . == "CA" or . == "GB");
def score:
  (.engagement_rate | num) as $r
  | (.conversions_30d | num) as $conv
  | (.link_clicks_30d | num) as $clicks
  | (if $r == null then 0 else $r / 0.1 | clamp01 end) as $engagement
  | (if $conv == null or $clicks == null or $clicks == 0 then 0
     else $conv / $clicks / 0.08 | clamp01 end) as $conversion
  | ([.niches[]? | select(. == "skincare" or . == "beauty")] | unique | length / 2 | clamp01) as $niche_fit
  | (5 * $engagement + 3 * $conversion + 2 * $niche_fit) / 10;
# keep the best 50 of `.top` (sort_by is stable: ties keep input order)
def trim: .top |= (sort_by(- .score) | .[:50]);

reduce (if $array then .[] else inputs end) as $c
  ({evaluated: 0, accepted: 0, top: []};
   .evaluated += 1
   | if ($c | accepted) then
       .accepted += 1
       | .top += [{id: $c.handle, score: ($c | score)}]
       | if (.top | length) >= 1000 then trim else . end
     else . end)
| trim
| {evaluated, accepted, shortlist: .top}
