"""The benchmark's rules files: written from these texts by bench/run.py and
committed. bench/floor/src/bin/reference.rs, bench/w1.jq and
bench/duckdb_w1.py implement W1 by hand: keep the four in step."""

from pathlib import Path

W1_RULES = '''\
ruleset "W1: micro beauty creators in US, CA and GB (benchmark)"

# Written by bench/run.py (W1_RULES in bench/harness/rules.py). bench/floor/src/bin/reference.rs,
# bench/w1.jq and bench/duckdb_w1.py implement the same screen by hand; keep all four in step.

require micro:   followers between 1k and 10k
require engaged: engagement_rate >= 3%
require niche:   "skincare" in niches or "beauty" in niches
require market:  country in ["US", "CA", "GB"]

signal engagement weight 5 = engagement_rate / 10%
signal conversion weight 3 = conversions_30d / link_clicks_30d / 8%
signal niche_fit  weight 2 = overlap(niches, ["skincare", "beauty"]) / 2

rank by score desc
limit 50
'''

# W1 over the CSV the generator writes: the same screen, with the niches cell
# (`skincare;beauty`) read back as a list by split(). It accepts the same
# creators with the same scores as W1 over the JSON of the same records.
W1_CSV_RULES = '''\
ruleset "W1 over CSV: micro beauty creators in US, CA and GB (benchmark)"

# Written by bench/run.py (W1_CSV_RULES in bench/harness/rules.py): W1 (bench/w1.rules) for
# the generator's CSV, whose niches cell holds the list joined by ";" (skincare;beauty).

let niche_list = split(niches, ";")

require micro:   followers between 1k and 10k
require engaged: engagement_rate >= 3%
require niche:   "skincare" in niche_list or "beauty" in niche_list
require market:  country in ["US", "CA", "GB"]

signal engagement weight 5 = engagement_rate / 10%
signal conversion weight 3 = conversions_30d / link_clicks_30d / 8%
signal niche_fit  weight 2 = overlap(niche_list, ["skincare", "beauty"]) / 2

rank by score desc
limit 50
'''

# A full brief over the fields the generator writes (bench/floor/src/bin/gen.rs):
# 30 requirements and 10 signals that accept about 4% of the creators (run.py
# prints how many), exercising lets, `in`, `overlap`, `between`, `??`,
# `when missing`, text functions, lambdas over the niches, dates and tiers.
W30_RULES = '''\
ruleset "W30: a full brief, 30 requirements and 10 signals (benchmark)"

# Written by bench/run.py (W30_RULES in bench/harness/rules.py); the benchmark times it beside
# W1. It accepts about 4% of the generated creators (bench/run.py prints the count).

let beauty        = ["skincare", "beauty", "makeup", "wellness", "hair"]
let markets       = ["US", "CA", "GB", "AU", "IE", "NZ"]
let conversion    = conversions_30d / link_clicks_30d
let ad_share      = sponsored_posts / max(posts, 1)
let women         = audience.female_share ?? 0.5
let young         = audience.age_18_34_share ?? 0.5
let bio_text      = lower(replace(trim(bio), " · ", " | "))
let beauty_niches = count(niches, n => n in beauty)

require micro:            followers between 1k and 50k
require engaged:          engagement_rate >= 2.5%
require plausible_rate:   engagement_rate <= 12%
require niche:            any(niches, n => n in beauty)
require focused:          beauty_niches * 2 >= len(niches)
require market:           country in markets
require speaks_english:   language == "en"
require platform:         platform in ["instagram", "tiktok", "youtube"]
require active:           posts_last_30d >= 3
require catalogue:        posts >= 20
require named:            len(trim(name)) >= 2
require has_bio:          len(bio_text) >= 10
require no_giveaways:     not bio matches "(?i)giveaway|free followers" when missing pass
require follow_ratio:     following <= 5 * followers
require likes_real:       avg_likes <= followers
require comments_real:    avg_comments <= avg_likes
require likes_seen:       avg_likes >= 5
require ad_load:          ad_share <= 50%
require clicks_seen:      link_clicks_30d between 1 and 1M
require conversions_sane: conversions_30d <= link_clicks_30d
require authentic:        authenticity_score ?? 1 >= 0.55
require audience_women:   women >= 25%
require audience_age:     young >= 25%
require audience_market:  audience.top_country not in ["KR", "JP"] when missing pass
require joined_before:    date(joined) < date("2026-01-01")
require not_competitor:   not (bio_text contains "@rivalbrand")
require real_handle:      not starts_with(handle, "test_") and not ends_with(handle, "_demo")
require mentions_ok:      brand_mentions <= 10
require not_overexposed:  sponsored_posts <= 150
require a_person:         not (lower(name) contains "official")

signal engagement   weight 5 = engagement_rate / 10%
signal sales        weight 4 = conversion / 8%
signal niche_fit    weight 3 = overlap(niches, beauty) / 3
signal customer     weight 2 = if is_customer then 1 else min(brand_mentions, 3) / 6
signal authenticity weight 2 = ((authenticity_score ?? 0.7) - 0.5) / 0.5
signal audience_fit weight 2 = 0.6 * women + 0.4 * young
signal activity     weight 1 = posts_last_30d / 20
signal reach        weight 1 = (log10(followers) - 3) / 1.7
signal organic      weight 1 = 1 - ad_share * 2
signal contactable  weight 1 = if has(email) then 1 else 0

tier gold   when score >= 0.75
tier silver when score >= 0.6
tier bronze otherwise

rank by score desc
limit 50
'''

# W1 with one cohort-relative signal (issue 18): the same requirements, and
# engagement judged against the creators of the same platform. Rules with a
# cohort function read the data twice; the goal is <= 2 x W1's wall time and
# a peak RSS <= 64 MiB + 8 bytes a creator.
W1_COHORT_RULES = W1_RULES.replace(
    'ruleset "W1: micro beauty creators in US, CA and GB (benchmark)"',
    'ruleset "W1 with a cohort signal: engagement against the same platform (benchmark)"',
).replace(
    "# Written by bench/run.py (W1_RULES in bench/harness/rules.py). bench/floor/src/bin/reference.rs,\n"
    "# bench/w1.jq and bench/duckdb_w1.py implement the same screen by hand; keep all four in step.\n",
    "# Written by bench/run.py (W1_COHORT_RULES in bench/harness/rules.py): W1 and one cohort\n"
    "# function, timed against W1 (issue 18's goal: <= 2 x W1, RSS <= 64 MiB + 8 bytes a creator).\n",
).replace(
    "signal niche_fit  weight 2 = overlap(niches, [\"skincare\", \"beauty\"]) / 2\n",
    "signal niche_fit  weight 2 = overlap(niches, [\"skincare\", \"beauty\"]) / 2\n"
    "signal peers      weight 3 = percentile(engagement_rate, platform)\n",
)

FILES = {"w1.rules": W1_RULES, "w1-csv.rules": W1_CSV_RULES, "w30.rules": W30_RULES,
         "w1-cohort.rules": W1_COHORT_RULES}


def write_rules(bench_dir, say):
    """Writes each rules file whose text differs; returns {name: path}."""
    paths = {}
    for name, text in FILES.items():
        path = Path(bench_dir) / name
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            path.write_text(text, encoding="utf-8")
            say(f"wrote bench/{name}" + ("" if old is None else " (it differed)"))
        paths[name] = path
    return paths
